import {
  VIRTIO_CONFIG_S_DRIVER,
  VIRTIO_CONFIG_S_DRIVER_OK,
  VIRTIO_CONFIG_S_FEATURES_OK,
  VIRTIO_CONFIG_S_NEEDS_RESET,
  VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
} from '../constants';
import type { VirtioError } from '../errors';
import { featureBits, hasFeature, type FeatureSet } from '../features';
import type { GuestMemory } from '../guestMemory';
import { validateQueueSize, validateRingAddrs, type SplitRingAddrs } from '../layout';
import { NO_TRACE, traced, type Tracer } from '../trace';
import { err, ok, type Result } from '../types';
import {
  featuresAfterFeaturesOk,
  featuresBeforeDriver,
  featuresNotOffered,
  featuresNotValid,
  featuresOutOfRange,
  noSuchQueue,
  queueConfigAtWrongTime,
  queueRingsNotSet,
} from './deviceErrors';
import { checkStatusTransition } from './deviceStatus';
import { VirtQueue } from './virtQueue';

/** ISR bits (spec §4.1.4.5): a used-buffer notification, and a configuration change. */
export const VIRTIO_ISR_QUEUE = 0x1;
export const VIRTIO_ISR_CONFIG = 0x2;

export interface VirtIODeviceOptions {
  mem: GuestMemory;
  /** Virtio device ID (spec §5): 2 for a block device. */
  deviceId: number;
  name: string;
  /** What the device offers (QEMU's host_features). */
  hostFeatures: FeatureSet;
  numQueues: number;
  /** Largest size a queue may have; every queue starts at it (QEMU's vring.num_default). */
  queueMaxSize: number;
  /** The device-specific configuration space, little-endian (spec §2.5). The device keeps this array. */
  config: Uint8Array;
  tracer?: Tracer;
  /** Passed to each VirtQueue: the free-running indices start here (to show the 16-bit wrap early). */
  startIdx?: number;
  /** Passed to each VirtQueue: false makes it accept what QEMU accepts; true (default) also checks the spec. */
  specChecks?: boolean;
  /** Called when an interrupt is raised: the queue number for a used-buffer notification, or 'config'. */
  onInterrupt?: (source: number | 'config') => void;
}

/** The transport's per-queue registers (PCI common configuration, spec §4.1.4.3) plus the device's VirtQueue. */
export interface VirtIODeviceQueue {
  /** queue_size as the driver set it (starts at num_max). */
  num: number;
  /** The largest size the device allows. */
  num_max: number;
  /** queue_desc / queue_driver / queue_device, once the driver wrote them. */
  addrs: SplitRingAddrs | null;
  /** queue_enable. */
  enabled: boolean;
  /** Created at DRIVER_OK for each enabled queue. */
  queue: VirtQueue | null;
}

/**
 * The transport-independent part of a virtio device, after QEMU's `VirtIODevice` (hw/virtio/virtio.c): status,
 * feature negotiation, queue registers, ISR and `broken`. Method names are QEMU's. Everything the driver
 * writes comes in through these methods, which refuse what the spec forbids with a VirtioError and leave the
 * device unchanged; a refused write is the driver's mistake and does not break the device. `virtio_error` is
 * for the device's own discoveries while processing queues (QEMU's virtio_error()).
 */
export class VirtIODevice {
  status = 0;
  readonly host_features: FeatureSet;
  /** The negotiated features: what the driver wrote, masked by host_features (as QEMU stores them). */
  guest_features: FeatureSet = 0n;
  /** The driver's last feature write before masking, for virtio_validate_features(). */
  driver_features: FeatureSet = 0n;
  broken = false;
  isr = 0;
  readonly device_id: number;
  readonly name: string;
  readonly config: Uint8Array;
  /** Bumped on every configuration change notification (QEMU's vdev->generation). */
  config_generation = 0;
  /** Every error passed to virtio_error(), oldest first; kept across resets as history. */
  readonly errors: VirtioError[] = [];
  readonly vq: VirtIODeviceQueue[];
  readonly mem: GuestMemory;
  private readonly tracer: Tracer;
  private readonly startIdx: number | undefined;
  private readonly specChecks: boolean | undefined;
  private readonly onInterrupt: ((source: number | 'config') => void) | undefined;

  constructor(opts: VirtIODeviceOptions) {
    // Options come from our code, not the guest: a bad one is a programming error, so it throws.
    if (!Number.isInteger(opts.numQueues) || opts.numQueues < 1) {
      throw new RangeError(`numQueues must be a positive integer, got ${opts.numQueues}`);
    }
    const sized = validateQueueSize(opts.queueMaxSize);
    if (!sized.ok) throw new RangeError(`queueMaxSize: ${sized.error.message}`);
    if (opts.hostFeatures < 0n || opts.hostFeatures >= 1n << 64n) {
      throw new RangeError(`hostFeatures must be a 64-bit feature set, got ${opts.hostFeatures}`);
    }
    this.mem = opts.mem;
    this.device_id = opts.deviceId;
    this.name = opts.name;
    this.host_features = opts.hostFeatures;
    this.config = opts.config;
    this.tracer = opts.tracer ?? NO_TRACE;
    this.startIdx = opts.startIdx;
    this.specChecks = opts.specChecks;
    this.onInterrupt = opts.onInterrupt;
    this.vq = Array.from({ length: opts.numQueues }, () => ({
      num: opts.queueMaxSize,
      num_max: opts.queueMaxSize,
      addrs: null,
      enabled: false,
      queue: null,
    }));
  }

  get numQueues(): number {
    return this.vq.length;
  }

  /** DEVICE_NEEDS_RESET is set: the driver must reset the device before it works again. */
  get needsReset(): boolean {
    return (this.status & VIRTIO_CONFIG_S_NEEDS_RESET) !== 0;
  }

  /** QEMU's virtio_vdev_has_feature(): a negotiated feature. */
  virtio_vdev_has_feature(bit: number): boolean {
    return hasFeature(this.guest_features, bit);
  }

  /** QEMU's virtio_host_has_feature(): an offered feature. */
  virtio_host_has_feature(bit: number): boolean {
    return hasFeature(this.host_features, bit);
  }

  /**
   * QEMU's virtio_set_status(): the driver writes the status register. 0 resets the device. FEATURES_OK only
   * sticks if virtio_validate_features() accepts the negotiated features; DRIVER_OK starts the enabled queues.
   */
  virtio_set_status(val: number): Result<void, VirtioError> {
    return traced(this.tracer, 'virtio_set_status', () => {
      const versionOne = this.virtio_vdev_has_feature(VIRTIO_F_VERSION_1);
      const allowed = checkStatusTransition(this.status, val, versionOne);
      if (!allowed.ok) return allowed;
      if (val === 0) {
        this.virtio_reset();
        return ok(undefined);
      }
      const added = val & ~this.status;
      if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
        // Like QEMU, a refused FEATURES_OK leaves the whole register as it was; the driver sees that on re-read.
        const valid = this.virtio_validate_features();
        if (!valid.ok) return valid;
      }
      if (added & VIRTIO_CONFIG_S_DRIVER_OK) this.startQueues();
      // DEVICE_NEEDS_RESET is the device's bit: a driver write neither sets nor clears it.
      this.status = val | (this.status & VIRTIO_CONFIG_S_NEEDS_RESET);
      return ok(undefined);
    });
  }

  /**
   * QEMU's virtio_validate_features(), run when FEATURES_OK is first set with VERSION_1 negotiated, plus the
   * spec's rule that a driver accepts only offered features (§2.2.1). QEMU masks unoffered bits away in
   * virtio_set_features() and then lets FEATURES_OK through; refusing FEATURES_OK is what §2.2.2 asks instead.
   */
  virtio_validate_features(): Result<void, VirtioError> {
    if (this.driver_features & ~this.host_features) {
      const extra = featureBits(this.driver_features & ~this.host_features).join(', ');
      return err(
        featuresNotValid(
          `the driver accepted feature bit(s) ${extra}, which the device did not offer`,
          this.driver_features,
          this.host_features,
          false,
        ),
      );
    }
    if (!this.virtio_vdev_has_feature(VIRTIO_F_VERSION_1)) return ok(undefined);
    if (
      this.virtio_host_has_feature(VIRTIO_F_ACCESS_PLATFORM) &&
      !this.virtio_vdev_has_feature(VIRTIO_F_ACCESS_PLATFORM)
    ) {
      return err(
        featuresNotValid(
          'the device offers VIRTIO_F_ACCESS_PLATFORM and the driver must accept it',
          this.guest_features,
          this.host_features,
          true,
        ),
      );
    }
    return ok(undefined);
  }

  /**
   * QEMU's virtio_set_features(): the driver's feature write. Refused once FEATURES_OK is set. Otherwise stored
   * masked by host_features, as QEMU does; unoffered bits still make it return an error (QEMU returns -1).
   */
  virtio_set_features(val: FeatureSet): Result<void, VirtioError> {
    return traced(this.tracer, 'virtio_set_features', () => {
      if (val < 0n || val >= 1n << 64n) return err(featuresOutOfRange(val));
      if (this.status & VIRTIO_CONFIG_S_FEATURES_OK) return err(featuresAfterFeaturesOk(val));
      if (!(this.status & VIRTIO_CONFIG_S_DRIVER)) return err(featuresBeforeDriver(val, this.status));
      this.driver_features = val;
      this.guest_features = val & this.host_features;
      return val & ~this.host_features ? err(featuresNotOffered(val, this.host_features)) : ok(undefined);
    });
  }

  /** QEMU's virtio_reset(): back to the state after power-on. The error history stays. */
  virtio_reset(): void {
    traced(this.tracer, 'virtio_reset', () => {
      this.status = 0;
      this.guest_features = 0n;
      this.driver_features = 0n;
      this.broken = false;
      this.isr = 0;
      for (const q of this.vq) {
        q.num = q.num_max;
        q.addrs = null;
        q.enabled = false;
        q.queue = null;
      }
    });
  }

  /** QEMU's virtio_queue_set_num(): the driver writes queue_size (a power of 2 up to the device's maximum). */
  virtio_queue_set_num(n: number, num: number): Result<void, VirtioError> {
    return traced(this.tracer, 'virtio_queue_set_num', () => {
      const q = this.configurableQueue(n, 'virtio_queue_set_num');
      if (!q.ok) return q;
      const sized = validateQueueSize(num, q.value.num_max);
      if (!sized.ok) return sized;
      if (q.value.addrs) {
        // The rings were placed for the old size; they must still fit with the new one.
        const placed = validateRingAddrs({ ...q.value.addrs, size: num }, this.mem.size);
        if (!placed.ok) return placed;
        q.value.addrs = placed.value;
      }
      q.value.num = num;
      return ok(undefined);
    });
  }

  /** QEMU's virtio_queue_set_rings(): queue_desc, queue_driver and queue_device, checked against guest memory. */
  virtio_queue_set_rings(n: number, desc: number, avail: number, used: number): Result<void, VirtioError> {
    return traced(this.tracer, 'virtio_queue_set_rings', () => {
      const q = this.configurableQueue(n, 'virtio_queue_set_rings');
      if (!q.ok) return q;
      const placed = validateRingAddrs({ size: q.value.num, desc, avail, used }, this.mem.size);
      if (!placed.ok) return placed;
      q.value.addrs = { ...placed.value };
      return ok(undefined);
    });
  }

  /** The driver writes 1 to queue_enable (QEMU's virtio_queue_enable() for a modern device). */
  virtio_queue_enable(n: number): Result<void, VirtioError> {
    return traced(this.tracer, 'virtio_queue_enable', () => {
      const q = this.configurableQueue(n, 'virtio_queue_enable');
      if (!q.ok) return q;
      if (!q.value.addrs) return err(queueRingsNotSet(n));
      q.value.enabled = true;
      return ok(undefined);
    });
  }

  /** The VirtQueue of queue n, once DRIVER_OK started it; null before, or while the device is broken. */
  queue(n: number): VirtQueue | null {
    if (this.broken) return null;
    return this.vq[n]?.queue ?? null;
  }

  /**
   * QEMU's virtio_error(): the device found the driver broke the contract. Records the error and marks the
   * device broken until reset. With VERSION_1 it also sets DEVICE_NEEDS_RESET and sends a configuration
   * change notification (which only goes out after DRIVER_OK); a legacy device has no such bit.
   */
  virtio_error(e: VirtioError): void {
    traced(this.tracer, 'virtio_error', () => {
      this.errors.push(e);
      if (this.virtio_vdev_has_feature(VIRTIO_F_VERSION_1)) {
        this.status |= VIRTIO_CONFIG_S_NEEDS_RESET;
        this.virtio_notify_config();
      }
      this.broken = true;
    });
  }

  /** QEMU's virtio_notify_config(): ISR |= 3 (QEMU sets the queue bit too), generation++, config interrupt. */
  virtio_notify_config(): void {
    traced(this.tracer, 'virtio_notify_config', () => {
      if (!(this.status & VIRTIO_CONFIG_S_DRIVER_OK)) return;
      this.isr |= VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG;
      this.config_generation++;
      this.notifyVector('config');
    });
  }

  /**
   * QEMU's virtio_notify(): asks the queue whether the driver wants an interrupt and, if so, sets ISR bit 0
   * and raises it. True when an interrupt was sent. A broken device sets the ISR bit but sends nothing
   * (QEMU's virtio_notify_vector() returns early). An error from the queue goes to virtio_error().
   */
  virtio_notify(n: number): boolean {
    return traced(this.tracer, 'virtio_notify', () => this.notifyQueue(n));
  }

  /**
   * QEMU's virtio_notify_irqfd(): what a device model calls instead of virtio_notify() from an IOThread, where
   * the BQL the interrupt path needs is not held (QEMU 9.0 to 10.1: virtio-blk's virtio_blk_req_complete() picks
   * it when qemu_in_iothread(); QEMU 10.2 folds both into virtio_notify()). Same decision and ISR bit; the
   * interrupt goes out through the queue's guest notifier (irqfd).
   */
  virtio_notify_irqfd(n: number): boolean {
    return traced(this.tracer, 'virtio_notify_irqfd', () => this.notifyQueue(n));
  }

  private notifyQueue(n: number): boolean {
    const vq = this.vq[n]?.queue;
    if (!vq) return false;
    const should = vq.virtio_should_notify();
    if (!should.ok) {
      this.virtio_error(should.error);
      return false;
    }
    if (!should.value) return false;
    this.isr |= VIRTIO_ISR_QUEUE;
    return this.notifyVector(n);
  }

  /** Reading the ISR register clears it (spec §4.1.4.5; QEMU's virtio_pci_isr_read). */
  virtio_isr_read(): number {
    const v = this.isr;
    this.isr = 0;
    return v;
  }

  private notifyVector(source: number | 'config'): boolean {
    if (this.broken) return false;
    this.onInterrupt?.(source);
    return true;
  }

  /** Creates a VirtQueue for every enabled queue, as the device starts (QEMU's virtio_set_started). */
  private startQueues(): void {
    for (const [n, q] of this.vq.entries()) {
      if (!q.enabled || !q.addrs) continue;
      const created = VirtQueue.create({
        mem: this.mem,
        addrs: { ...q.addrs },
        features: this.guest_features,
        queueIndex: n,
        tracer: this.tracer,
        ...(this.startIdx !== undefined ? { startIdx: this.startIdx } : {}),
        ...(this.specChecks !== undefined ? { specChecks: this.specChecks } : {}),
      });
      if (created.ok) q.queue = created.value;
      else this.virtio_error(created.error);
    }
  }

  /** Queue n exists and may still be configured: after feature negotiation, before it is enabled and started. */
  private configurableQueue(n: number, where: string): Result<VirtIODeviceQueue, VirtioError> {
    const q = Number.isInteger(n) ? this.vq[n] : undefined;
    if (!q) return err(noSuchQueue(n, this.vq.length, where));
    const needed = this.virtio_vdev_has_feature(VIRTIO_F_VERSION_1)
      ? VIRTIO_CONFIG_S_FEATURES_OK
      : VIRTIO_CONFIG_S_DRIVER;
    if (!(this.status & needed)) {
      const step = needed === VIRTIO_CONFIG_S_FEATURES_OK ? 'FEATURES_OK' : 'DRIVER';
      return err(queueConfigAtWrongTime(n, this.status, `queues are set up after ${step}`, where));
    }
    if (this.status & VIRTIO_CONFIG_S_DRIVER_OK) {
      return err(queueConfigAtWrongTime(n, this.status, 'the device is already live (DRIVER_OK)', where));
    }
    if (q.enabled) {
      return err(queueConfigAtWrongTime(n, this.status, 'it is already enabled', where));
    }
    return ok(q);
  }
}
