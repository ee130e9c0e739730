import { AllocationMap, type Region } from '../../../virtio/allocationMap';
import type { VirtioError } from '../../../virtio/errors';
import type { FeatureSet } from '../../../virtio/features';
import { GuestMemory } from '../../../virtio/guestMemory';
import type { Tracer } from '../../../virtio/trace';
import { err, ok, type Result } from '../../../virtio/types';
import type { CompletionOrder, Latency } from '../completion';
import type { VirtioBlkConfig } from '../config';
import { VirtIOBlock, type VirtIOBlockSaved } from '../device';
import { DiskImage } from '../disk';
import type { VirtioBlk, VirtioBlkSaved } from '../driver';
import type { BlkIoRequest, VirtblkReq } from '../driverTypes';
import { virtblk_probe } from '../probe';

export interface BlkSystemOptions {
  /** Guest memory in bytes (default 4 MiB). */
  memorySize?: number;
  /** Disk size in sectors (default 2048, 1 MiB). */
  capacitySectors?: number;
  readOnly?: boolean;
  /** Device queues (`num-queues`, default 1) and their maximum size (`queue-size`, default 256). */
  numQueues?: number;
  queueSize?: number;
  /** Ring size the driver asks for (default: the device's maximum). */
  driverQueueSize?: number;
  /** What the device offers (default: QEMU's) and what the driver accepts (default: Linux's). */
  hostFeatures?: FeatureSet;
  wantedFeatures?: FeatureSet;
  latency?: Latency;
  order?: CompletionOrder;
  seed?: number;
  /** Initial free-running index on both sides. */
  startIdx?: number;
  serial?: string;
  nrCpus?: number;
  queueDepth?: number;
  /**
   * 'queued' (default): kicks and interrupts wait for step(). 'immediate': a kick runs the device at once and an
   * interrupt reaches the driver at once, even in the middle of a submission, as with a device on another CPU.
   */
  delivery?: 'queued' | 'immediate';
  segmentBytes?: number;
  tracer?: Tracer;
}

export interface BlkSystemSnapshot {
  memory: Uint8Array;
  disk: Uint8Array;
  device: VirtIOBlockSaved;
  driver: VirtioBlkSaved;
  regions: Region[];
  wires: Wires;
}

interface Wires {
  kicks: number[];
  irqs: number[];
  kickLog: number[];
  configIrqs: number;
}

/** What happened in one step, for logs and tests. */
export type BlkSystemEvent =
  | { kind: 'kick'; queue: number }
  | { kind: 'interrupt'; queue: number; result: string }
  /** A deferred run of a queue (kblockd's, or a submitter woken by a freed tag): blk_mq_run_work_fn. */
  | { kind: 'run'; queue: number }
  | { kind: 'complete'; count: number }
  | { kind: 'tick'; now: number; completed: number };

/**
 * A whole machine in one thread, for tests and the CLI: guest memory, its allocation map, the disk, QEMU's
 * virtio-blk and Linux's driver, wired so that a kick runs the device's handle_output and an interrupt runs
 * the driver's vring_interrupt. Both are queued and delivered one per step, in order, so runs are
 * deterministic and each side sees the other only between steps (as with a real doorbell and IRQ line).
 */
export class BlkSystem {
  readonly mem: GuestMemory;
  readonly allocator: AllocationMap;
  readonly disk: DiskImage;
  readonly device: VirtIOBlock;
  readonly driver: VirtioBlk;
  readonly config: VirtioBlkConfig;
  readonly features: FeatureSet;
  private readonly wires: Wires;

  private constructor(parts: {
    mem: GuestMemory;
    allocator: AllocationMap;
    disk: DiskImage;
    device: VirtIOBlock;
    driver: VirtioBlk;
    config: VirtioBlkConfig;
    features: FeatureSet;
    wires: Wires;
  }) {
    this.mem = parts.mem;
    this.allocator = parts.allocator;
    this.disk = parts.disk;
    this.device = parts.device;
    this.driver = parts.driver;
    this.config = parts.config;
    this.features = parts.features;
    this.wires = parts.wires;
  }

  /** Kicks sent by the driver and not yet delivered, oldest first. */
  get pendingKicks(): readonly number[] {
    return this.wires.kicks;
  }

  /** Interrupts raised by the device and not yet delivered, oldest first. */
  get pendingInterrupts(): readonly number[] {
    return this.wires.irqs;
  }

  /** Every kick the driver sent, in order. */
  get kickLog(): readonly number[] {
    return this.wires.kickLog;
  }

  /** Configuration-change interrupts (virtio_error sends one with VERSION_1). */
  get configInterrupts(): number {
    return this.wires.configIrqs;
  }

  /** Builds the machine and runs the driver's probe; the probe's error if it fails. */
  static create(opts: BlkSystemOptions = {}): Result<BlkSystem, VirtioError> {
    const mem = GuestMemory.create(opts.memorySize ?? 4 << 20);
    const allocator = new AllocationMap(mem.size);
    const disk = new DiskImage({ capacitySectors: opts.capacitySectors ?? 2048, readOnly: opts.readOnly ?? false });
    const device = new VirtIOBlock({
      mem,
      disk,
      ...pick(opts, ['numQueues', 'queueSize', 'hostFeatures', 'latency', 'order', 'seed', 'startIdx', 'serial']),
      ...(opts.tracer ? { tracer: opts.tracer } : {}),
    });
    // The doorbell and the IRQ line: filled as things happen, delivered by step().
    const wires: Wires = { kicks: [], irqs: [], kickLog: [], configIrqs: 0 };
    const immediate = opts.delivery === 'immediate';
    let driver: VirtioBlk | null = null;
    device.onInterrupt = (source) => {
      if (source === 'config') wires.configIrqs++;
      else if (immediate && driver) driver.vring_interrupt(source);
      else wires.irqs.push(source);
    };
    const probed = virtblk_probe({
      device: device.vdev,
      mem,
      allocator,
      notify: (q) => {
        wires.kickLog.push(q);
        if (immediate) device.virtio_blk_handle_output(q);
        else wires.kicks.push(q);
        return true;
      },
      ...(opts.driverQueueSize !== undefined ? { queueSize: opts.driverQueueSize } : {}),
      ...pick(opts, ['wantedFeatures', 'nrCpus', 'queueDepth', 'segmentBytes', 'startIdx']),
      ...(opts.tracer ? { tracer: opts.tracer } : {}),
    });
    if (!probed.ok) return err(probed.error);
    const { blk, config, features } = probed.value;
    driver = blk;
    return ok(new BlkSystem({ mem, allocator, disk, device, driver: blk, config, features, wires }));
  }

  /** A checkpoint between steps: guest memory, the disk image and both sides' state, as plain data. */
  snapshot(): BlkSystemSnapshot {
    return {
      memory: new Uint8Array(this.mem.buffer).slice(),
      disk: new Uint8Array(this.disk.buffer).slice(),
      device: this.device.saveState(),
      driver: this.driver.saveState(),
      regions: structuredClone([...this.allocator.all()]),
      wires: structuredClone(this.wires),
    };
  }

  /** Goes back to a checkpoint taken on this system. */
  restore(snap: BlkSystemSnapshot): void {
    new Uint8Array(this.mem.buffer).set(snap.memory);
    new Uint8Array(this.disk.buffer).set(snap.disk);
    for (const r of [...this.allocator.all()]) this.allocator.free(r.start);
    for (const r of snap.regions) this.allocator.reserve(r.start, r.size, r.kind, r.label, pick(r, ['queue', 'owner']));
    this.device.loadState(snap.device);
    this.driver.loadState(snap.driver);
    const w = structuredClone(snap.wires);
    this.wires.kicks.splice(0, Infinity, ...w.kicks);
    this.wires.irqs.splice(0, Infinity, ...w.irqs);
    this.wires.kickLog.splice(0, Infinity, ...w.kickLog);
    this.wires.configIrqs = w.configIrqs;
  }

  submit(io: BlkIoRequest): VirtblkReq {
    return this.driver.submit(io);
  }

  submitBatch(ios: readonly BlkIoRequest[]): VirtblkReq[] {
    return this.driver.submitBatch(ios);
  }

  /**
   * One step: deliver the oldest kick, else the oldest interrupt, else a queue's deferred run, else complete the
   * I/O due now, else move the backend's clock one tick. Null when there is nothing left to do.
   */
  step(): BlkSystemEvent | null {
    const kick = this.wires.kicks.shift();
    if (kick !== undefined) {
      this.device.virtio_blk_handle_output(kick);
      return { kind: 'kick', queue: kick };
    }
    const irq = this.wires.irqs.shift();
    if (irq !== undefined) return { kind: 'interrupt', queue: irq, result: this.driver.vring_interrupt(irq) };
    for (let q = 0; q < this.driver.num_vqs; q++) {
      if (!this.driver.hasDeferredRun(q)) continue;
      this.driver.blk_mq_run_work_fn(q);
      return { kind: 'run', queue: q };
    }
    const ready = this.device.completeReady();
    if (ready > 0) return { kind: 'complete', count: ready };
    if (this.device.inFlight > 0) {
      const completed = this.device.advance(1);
      return { kind: 'tick', now: this.device.now, completed };
    }
    return null;
  }

  /** Steps until nothing is left to do; returns the number of steps. Throws past `maxSteps` (a livelock). */
  runUntilIdle(maxSteps = 1_000_000): number {
    let steps = 0;
    while (this.step() !== null) {
      if (++steps > maxSteps) throw new Error(`blk system still busy after ${maxSteps} steps`);
    }
    return steps;
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
