import { AllocationError, type AllocationMap, type Region } from '../allocationMap';
import {
  VIRTIO_CONFIG_S_ACKNOWLEDGE,
  VIRTIO_CONFIG_S_DRIVER,
  VIRTIO_CONFIG_S_DRIVER_OK,
  VIRTIO_CONFIG_S_FAILED,
  VIRTIO_CONFIG_S_FEATURES_OK,
  VIRTIO_F_VERSION_1,
  VIRTQUEUE_SPEC_MAX_SIZE,
} from '../constants';
import { hex, type VirtioError } from '../errors';
import { featuresToHex, hasFeature, type FeatureSet } from '../features';
import type { GuestMemory } from '../guestMemory';
import {
  availRingBytes,
  descTableBytes,
  isPowerOfTwo,
  legacyUsedOffset,
  usedRingBytes,
  type SplitRingAddrs,
} from '../layout';
import { NO_TRACE, traced, type Tracer } from '../trace';

/** Linux's vring_align for a modern virtio-pci device (SMP_CACHE_BYTES on x86), and the DMA allocation's page. */
const SMP_CACHE_BYTES = 64;
const PAGE_SIZE = 4096;
import type { VirtIODevice } from '../device/virtioDevice';
import {
  badQueueCount,
  badWantedQueueSize,
  deviceLacksVersion1,
  deviceRefusesFeatures,
  driverLacksVersion1,
  mismatchedMemory,
  resetDidNotComplete,
  ringAllocationFailed,
} from './probeErrors';

export interface DriverInitOptions {
  device: VirtIODevice;
  /** Every feature the driver supports, transport features included; the device's offer is ANDed with it. */
  wantedFeatures: FeatureSet;
  /** The size the driver wants for each queue it uses (queue 0 first); each is clamped to the device's maximum. */
  queueSizes: number[];
  /** Where the rings go: the guest's memory map. */
  allocator: AllocationMap;
  mem: GuestMemory;
  tracer?: Tracer;
}

/** One register write or read of the sequence, with the device status just after it. */
export interface DriverInitStep {
  status: number;
  /** What the driver did, e.g. "set ACKNOWLEDGE". */
  action: string;
  /** The Linux function that does it. */
  fn: string;
}

export type DriverInitResult =
  | { ok: true; features: FeatureSet; queues: SplitRingAddrs[]; steps: DriverInitStep[] }
  | { ok: false; error: VirtioError; steps: DriverInitStep[] };

/** Checks the arguments before anything is written, so a bad call changes nothing. */
function checkInputs(opts: DriverInitOptions): VirtioError | null {
  const { device, queueSizes, wantedFeatures, mem, allocator } = opts;
  if (mem !== device.mem || allocator.memorySize !== mem.size) return mismatchedMemory(allocator.memorySize, mem.size);
  if (queueSizes.length === 0 || queueSizes.length > device.numQueues) {
    return badQueueCount(queueSizes.length, device.numQueues);
  }
  for (const [n, size] of queueSizes.entries()) {
    if (!isPowerOfTwo(size) || size > VIRTQUEUE_SPEC_MAX_SIZE) return badWantedQueueSize(n, size);
  }
  if (!hasFeature(wantedFeatures, VIRTIO_F_VERSION_1)) return driverLacksVersion1(wantedFeatures);
  return null;
}

/**
 * The driver's side of device initialisation (spec §3.1.1), in the order Linux does it for a modern PCI device:
 * register_virtio_device() resets and acknowledges, virtio_dev_probe() sets DRIVER and negotiates features,
 * virtio_features_ok() sets FEATURES_OK and re-reads it, the driver's probe creates its queues
 * (vp_modern_find_vqs: size, ring addresses, then queue_enable for each), and virtio_device_ready() sets
 * DRIVER_OK. On failure the driver sets FAILED and gives back the rings it allocated.
 *
 * Deviation: Linux allocates each split ring as one block (desc, avail, then used at an aligned offset); here the
 * three parts are separate regions at their minimum alignments, so the map labels each one.
 */
export function virtio_dev_probe(opts: DriverInitOptions): DriverInitResult {
  const tracer = opts.tracer ?? NO_TRACE;
  return traced(tracer, 'virtio_dev_probe', () => {
    const steps: DriverInitStep[] = [];
    const bad = checkInputs(opts);
    if (bad) return { ok: false, error: bad, steps };
    return new Probe(opts, tracer, steps).run();
  });
}

class Probe {
  private readonly regions: Region[] = [];
  private readonly dev: VirtIODevice;

  constructor(
    private readonly opts: DriverInitOptions,
    private readonly tracer: Tracer,
    private readonly steps: DriverInitStep[],
  ) {
    this.dev = opts.device;
  }

  run(): DriverInitResult {
    const dev = this.dev;
    const reset = traced(this.tracer, 'vp_reset', () => {
      const r = dev.virtio_set_status(0);
      this.record('reset: write 0 to status', 'vp_reset');
      return r.ok && dev.status === 0 ? null : resetDidNotComplete(dev.status);
    });
    if (reset) return this.fail(reset);
    this.record('read status back: 0, reset done', 'vp_reset');

    const acked =
      this.addStatus(VIRTIO_CONFIG_S_ACKNOWLEDGE, 'ACKNOWLEDGE', 'register_virtio_device') ??
      this.addStatus(VIRTIO_CONFIG_S_DRIVER, 'DRIVER', 'virtio_dev_probe');
    if (acked) return this.fail(acked);

    const features = this.negotiate();
    if (!features.ok) return this.fail(features.error);

    const queues = traced(this.tracer, 'vp_modern_find_vqs', () => this.findVqs());
    if (!queues.ok) return this.fail(queues.error);

    const ready = this.addStatus(VIRTIO_CONFIG_S_DRIVER_OK, 'DRIVER_OK', 'virtio_device_ready');
    if (ready) return this.fail(ready);
    return { ok: true, features: features.value, queues: queues.value, steps: this.steps };
  }

  /** Feature negotiation: virtio_dev_probe() picks, vp_finalize_features() writes, virtio_features_ok() checks. */
  private negotiate(): { ok: true; value: FeatureSet } | { ok: false; error: VirtioError } {
    const dev = this.dev;
    const host = dev.host_features;
    this.record(`read device features ${featuresToHex(host)}`, 'vp_get_features');
    if (!hasFeature(host, VIRTIO_F_VERSION_1)) return { ok: false, error: deviceLacksVersion1(host) };
    const chosen = this.opts.wantedFeatures & host;
    const written = traced(this.tracer, 'vp_finalize_features', () => dev.virtio_set_features(chosen));
    this.record(`write driver features ${featuresToHex(chosen)}`, 'vp_finalize_features');
    if (!written.ok) return written;

    return traced(this.tracer, 'virtio_features_ok', () => {
      const set = dev.virtio_set_status(dev.status | VIRTIO_CONFIG_S_FEATURES_OK);
      this.record('set FEATURES_OK', 'virtio_features_ok');
      if (!(dev.status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        this.record('re-read status: FEATURES_OK did not stick', 'virtio_features_ok');
        return { ok: false, error: deviceRefusesFeatures(dev.status, set.ok ? undefined : set.error) };
      }
      this.record('re-read status: FEATURES_OK kept', 'virtio_features_ok');
      return { ok: true, value: chosen };
    });
  }

  /** Sizes, allocates and places each ring (setup_vq), then enables them all, as vp_modern_find_vqs() does. */
  private findVqs(): { ok: true; value: SplitRingAddrs[] } | { ok: false; error: VirtioError } {
    const dev = this.dev;
    const out: SplitRingAddrs[] = [];
    for (const [n, wanted] of this.opts.queueSizes.entries()) {
      const placed = traced(this.tracer, 'setup_vq', () => this.setupVq(n, wanted));
      if (!placed.ok) return placed;
      out.push(placed.value);
    }
    for (const n of out.keys()) {
      const enabled = dev.virtio_queue_enable(n);
      this.record(`vq${n}: write 1 to queue_enable`, 'vp_modern_find_vqs');
      if (!enabled.ok) return enabled;
    }
    return { ok: true, value: out };
  }

  private setupVq(n: number, wanted: number): { ok: true; value: SplitRingAddrs } | { ok: false; error: VirtioError } {
    const dev = this.dev;
    const numMax = dev.vq[n]!.num_max;
    const size = Math.min(wanted, numMax);
    const sized = dev.virtio_queue_set_num(n, size);
    this.record(`vq${n}: write queue_size ${size} (wanted ${wanted}, device max ${numMax})`, 'setup_vq');
    if (!sized.ok) return sized;

    let addrs: SplitRingAddrs;
    try {
      addrs = traced(this.tracer, 'vring_create_virtqueue_split', () => this.allocRing(n, size));
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      return { ok: false, error: ringAllocationFailed(n, e.message) };
    }

    const set = dev.virtio_queue_set_rings(n, addrs.desc, addrs.avail, addrs.used);
    this.record(
      `vq${n}: write queue_desc ${hex(addrs.desc)}, queue_driver ${hex(addrs.avail)}, queue_device ${hex(addrs.used)}`,
      'vp_active_vq',
    );
    if (!set.ok) return set;
    return { ok: true, value: addrs };
  }

  /**
   * The ring as Linux's vring_alloc_queue_split() makes it: one zeroed, page-aligned block of
   * vring_size(num, SMP_CACHE_BYTES) (dma_alloc_coherent() memory), laid out by vring_init(): the descriptor table,
   * the available ring right after it, the used ring at the next cache-line boundary. The padding between the
   * available and used rings belongs to the block, so no buffer is ever placed there; the map labels it.
   */
  private allocRing(n: number, size: number): SplitRingAddrs {
    const availAt = descTableBytes(size);
    const availEnd = availAt + availRingBytes(size);
    const usedAt = legacyUsedOffset(size, SMP_CACHE_BYTES);
    const bytes = usedAt + usedRingBytes(size);
    const { allocator, mem } = this.opts;
    // First fit finds the block; its parts are then reserved in it under their own kinds and labels.
    const start = allocator.allocate(bytes, PAGE_SIZE, 'other', `vq${n} ring`, { queue: n }).start;
    allocator.free(start);
    const part = (at: number, len: number, kind: Region['kind'], label: string) =>
      this.regions.push(allocator.reserve(start + at, len, kind, `vq${n} ${label}`, { queue: n }));
    part(0, availAt, 'desc-table', 'descriptor table');
    part(availAt, availRingBytes(size), 'avail-ring', 'available ring');
    if (usedAt > availEnd) part(availEnd, usedAt - availEnd, 'other', 'ring padding (used ring cache-line aligned)');
    part(usedAt, usedRingBytes(size), 'used-ring', 'used ring');
    mem.fill(start, bytes, 0);
    this.record(
      `vq${n}: allocate the ring at ${hex(start)} (${bytes} bytes: descriptor table, available ring at ` +
        `${hex(start + availAt)}, used ring at ${hex(start + usedAt)})`,
      'vring_alloc_queue',
    );
    return { size, desc: start, avail: start + availAt, used: start + usedAt };
  }

  /** Linux's virtio_add_status(): read the status, OR in a bit, write it back. */
  private addStatus(bit: number, name: string, fn: string): VirtioError | null {
    const r = this.dev.virtio_set_status(this.dev.status | bit);
    this.record(`set ${name}`, fn);
    return r.ok ? null : r.error;
  }

  /** The error path of virtio_dev_probe(): give back the rings (vp_del_vqs) and set FAILED. */
  private fail(error: VirtioError): DriverInitResult {
    for (const r of this.regions.splice(0).reverse()) this.opts.allocator.free(r.start);
    // The device may refuse even this (e.g. a status it cannot hold); FAILED is best effort, like Linux's.
    this.dev.virtio_set_status(this.dev.status | VIRTIO_CONFIG_S_FAILED);
    this.record('set FAILED', 'virtio_dev_probe');
    return { ok: false, error, steps: this.steps };
  }

  private record(action: string, fn: string): void {
    this.steps.push({ status: this.dev.status, action, fn });
  }
}
