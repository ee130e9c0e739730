import { AllocationMap } from '../../../virtio/allocationMap';
import type { FeatureSet } from '../../../virtio/features';
import { GuestMemory } from '../../../virtio/guestMemory';
import { SplitRing } from '../../../virtio/splitRing';
import type { Tracer } from '../../../virtio/trace';
import { virtio_dev_probe } from '../../../virtio/transport/virtioDevProbe';
import { u16Add } from '../../../virtio/types';
import type { CompletionOrder, Latency } from '../completion';
import { VirtIOBlock } from '../device';
import { DiskImage } from '../disk';
import { LINUX_VIRTIO_BLK_DRIVER_FEATURES } from '../features';
import { encodeOuthdr } from '../protocol';
import { publishRawChain, type RawBuffer } from './rawRequest';

export interface DeviceRigOptions {
  capacitySectors?: number;
  readOnly?: boolean;
  numQueues?: number;
  queueSize?: number;
  hostFeatures?: FeatureSet;
  wantedFeatures?: FeatureSet;
  latency?: Latency;
  order?: CompletionOrder;
  serial?: string;
  blkSize?: number;
  startIdx?: number;
  maxRecords?: number;
  iothread?: boolean;
  tracer?: Tracer;
}

/**
 * A VirtIOBlock brought to DRIVER_OK by the transport's probe, with no driver: tests write requests into the
 * ring by hand (any shape, valid or not) and read the used ring back.
 */
export class DeviceRig {
  readonly mem = GuestMemory.create(1 << 20, false);
  readonly allocator = new AllocationMap(1 << 20);
  readonly disk: DiskImage;
  readonly blk: VirtIOBlock;
  readonly rings: SplitRing[];
  readonly availIdx: number[];
  readonly usedSeen: number[];
  readonly interrupts: (number | 'config')[] = [];
  private scratch = 0x80000;

  constructor(o: DeviceRigOptions = {}) {
    this.disk = new DiskImage({ capacitySectors: o.capacitySectors ?? 64, readOnly: o.readOnly ?? false });
    this.blk = new VirtIOBlock({
      mem: this.mem,
      disk: this.disk,
      ...(o.numQueues !== undefined ? { numQueues: o.numQueues } : {}),
      queueSize: o.queueSize ?? 8,
      ...(o.hostFeatures !== undefined ? { hostFeatures: o.hostFeatures } : {}),
      ...(o.latency ? { latency: o.latency } : {}),
      ...(o.order ? { order: o.order } : {}),
      ...(o.serial !== undefined ? { serial: o.serial } : {}),
      ...(o.blkSize !== undefined ? { blkSize: o.blkSize } : {}),
      ...(o.startIdx !== undefined ? { startIdx: o.startIdx } : {}),
      ...(o.maxRecords !== undefined ? { maxRecords: o.maxRecords } : {}),
      ...(o.iothread !== undefined ? { iothread: o.iothread } : {}),
      ...(o.tracer ? { tracer: o.tracer } : {}),
    });
    this.blk.onInterrupt = (s) => this.interrupts.push(s);
    const init = virtio_dev_probe({
      device: this.blk.vdev,
      wantedFeatures: o.wantedFeatures ?? LINUX_VIRTIO_BLK_DRIVER_FEATURES,
      queueSizes: Array.from({ length: o.numQueues ?? 1 }, () => o.queueSize ?? 8),
      allocator: this.allocator,
      mem: this.mem,
    });
    if (!init.ok) throw new Error(init.error.message);
    const start = (o.startIdx ?? 0) & 0xffff;
    this.rings = init.queues.map((addrs) => new SplitRing(this.mem, addrs));
    for (const r of this.rings) r.setAvailIdx(start);
    this.availIdx = this.rings.map(() => start);
    this.usedSeen = this.rings.map(() => start);
  }

  /** A scratch buffer in guest memory, filled with `bytes` when given. */
  buffer(len: number, bytes?: Uint8Array): number {
    const at = this.scratch;
    this.scratch += Math.ceil(len / 16) * 16 + 16;
    if (bytes) this.mem.writeBytes(at, bytes);
    return at;
  }

  /** The common shape: header, optional data (out for OUT types), status byte. Returns the status address. */
  request(
    type: number,
    sector: number | bigint,
    data: { len: number; write: boolean; bytes?: Uint8Array } | null,
    q = 0,
    first = 0,
  ): { status: number; data: number | null } {
    const hdr = this.buffer(16, encodeOuthdr({ type, sector }));
    const bufs: RawBuffer[] = [{ addr: hdr, len: 16, write: false }];
    let dataAt: number | null = null;
    if (data) {
      dataAt = this.buffer(data.len, data.bytes);
      bufs.push({ addr: dataAt, len: data.len, write: data.write });
    }
    const status = this.buffer(1);
    this.mem.write8(status, 0xee);
    bufs.push({ addr: status, len: 1, write: true });
    this.publish(bufs, q, first);
    return { status, data: dataAt };
  }

  /** Publishes a hand-made chain at descriptors first.. on queue q. */
  publish(bufs: readonly RawBuffer[], q = 0, first = 0): void {
    this.availIdx[q] = publishRawChain(this.rings[q]!, first, bufs, this.availIdx[q]!);
  }

  kick(q = 0): void {
    this.blk.virtio_blk_handle_output(q);
  }

  /** Used elements published since the last call, oldest first. */
  takeUsed(q = 0): { id: number; len: number }[] {
    const ring = this.rings[q]!;
    const out: { id: number; len: number }[] = [];
    while (this.usedSeen[q] !== ring.usedIdx()) {
      out.push(ring.usedElem(this.usedSeen[q]! & (ring.size - 1)));
      this.usedSeen[q] = u16Add(this.usedSeen[q]!, 1);
    }
    return out;
  }
}
