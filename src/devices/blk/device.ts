import { VirtIODevice } from '../../virtio/device/virtioDevice';
import type { VirtQueue } from '../../virtio/device/virtQueue';
import type { VirtioError } from '../../virtio/errors';
import type { FeatureSet } from '../../virtio/features';
import type { GuestMemory } from '../../virtio/guestMemory';
import { NO_TRACE, traced, type Tracer } from '../../virtio/trace';
import {
  IoScheduler,
  type CompletionOrder,
  type Completed,
  type IoSchedulerState,
  type Latency,
  type ScheduledIo,
} from './completion';
import {
  BDRV_REQUEST_MAX_SECTORS,
  encodeVirtioBlkConfig,
  qemuVirtioBlkConfig,
  virtio_blk_config_size,
  type VirtioBlkConfig,
} from './config';
import {
  zeroBlkDeviceCounters,
  type BlkDeviceCounters,
  type BlkIo,
  type BlkReqRecord,
  type VirtIOBlockReq,
} from './deviceTypes';
import type { DiskImage } from './disk';
import { qemuVirtioBlkHostFeatures } from './features';
import { virtio_blk_handle_request, type BlkRequestContext } from './handleRequest';
import { iov_from_buf, iov_to_buf } from './iov';
import { loadVirtIODevice, saveVirtIODevice, type VirtIODeviceSaved } from './vdevState';
import { VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, blkTypeName } from './protocol';

/** Virtio device ID of a block device (spec §5). */
export const VIRTIO_ID_BLOCK = 2;

export interface VirtIOBlockOptions {
  mem: GuestMemory;
  disk: DiskImage;
  /** `num-queues` (default 1). */
  numQueues?: number;
  /** `queue-size` (default 256, QEMU's). */
  queueSize?: number;
  /** What the device offers; QEMU's defaults for this disk and queue count when left out. */
  hostFeatures?: FeatureSet;
  /** The `serial` property, answered to GET_ID. */
  serial?: string;
  /** `logical_block_size` in bytes (default 512). */
  blkSize?: number;
  /** Backend latency and completion order (see IoScheduler). Default: 1 tick, fifo. */
  latency?: Latency;
  order?: CompletionOrder;
  seed?: number;
  tracer?: Tracer;
  startIdx?: number;
  specChecks?: boolean;
  /** Most request records kept for the UI (oldest finished ones are dropped first). Default 1000. */
  maxRecords?: number;
  /**
   * The device runs in an IOThread (QEMU's `iothread` property): completions then notify through
   * virtio_notify_irqfd, as QEMU does when qemu_in_iothread(). Default false: the main loop, virtio_notify.
   */
  iothread?: boolean;
}

interface InFlight {
  req: VirtIOBlockReq;
  io: BlkIo;
}

/** QEMU's VIRTIO_BLK_MAX_MERGE_REQS: a MultiReqBuffer holds at most this many reads or writes. */
export const VIRTIO_BLK_MAX_MERGE_REQS = 32;

/**
 * QEMU's MultiReqBuffer: the reads or writes virtio_blk_handle_request has parsed in this run of the handler and
 * not yet handed to the backend (virtio_blk_submit_multireq does that).
 */
export interface MultiReqBuffer {
  reqs: InFlight[];
  is_write: boolean;
}

/** VirtIOBlock.saveState(): plain data (bigints, Uint8Arrays and nested objects). */
/** Where a queue's kick handler is in virtio_blk_handle_vq's loops. */
export interface HandlerPass {
  /** Passes of the outer loop begun (a second one is a notification race). */
  passes: number;
  /** Kicks are off and the inner loop pops; false at the start of a pass. */
  draining: boolean;
  /** Any request popped. */
  progress: boolean;
  /** The handler's MultiReqBuffer (absent in a state saved before it was modelled: empty). */
  mrb?: MultiReqBuffer;
}

export interface VirtIOBlockSaved {
  vdev: VirtIODeviceSaved;
  /** Each queue's handler part way through, or null. */
  handlers: (HandlerPass | null)[];
  io: IoSchedulerState;
  pending: ScheduledIo<InFlight>[];
  records: BlkReqRecord[];
  counters: BlkDeviceCounters;
  nextId: number;
}

/**
 * QEMU's VirtIOBlock (hw/block/virtio-blk.c) on top of the generic VirtIODevice: it handles kicks by popping
 * and parsing requests, runs their I/O against the DiskImage in virtual time, and completes them through the
 * used ring and an interrupt. Each queue is handled on its own; one backend (the IoScheduler) serves them all.
 * Reads and writes wait in the handler's MultiReqBuffer until virtio_blk_submit_multireq hands them to the
 * backend, in sector order, as QEMU does; merging adjacent ones into one backend operation is not modelled (each
 * request stays its own operation and completes on its own).
 */
export class VirtIOBlock {
  readonly vdev: VirtIODevice;
  readonly disk: DiskImage;
  readonly mem: GuestMemory;
  readonly io: IoScheduler<InFlight>;
  readonly conf: VirtioBlkConfig;
  readonly counters: BlkDeviceCounters = zeroBlkDeviceCounters();
  readonly records: BlkReqRecord[] = [];
  readonly serial: string;
  readonly queueSize: number;
  /** Called when the device raises an interrupt: a queue number, or 'config'. */
  onInterrupt: ((source: number | 'config') => void) | null = null;
  /** Called after every interrupt decision (sent or suppressed), for the UI and the tests. */
  onNotifyDecision: ((queue: number, sent: boolean) => void) | null = null;
  /** Called when a request was pushed to the used ring, in push order (before the interrupt decision). */
  onRequestComplete: ((record: BlkReqRecord) => void) | null = null;
  /** Called when a request's I/O finished on a broken device: the status byte is written, nothing is pushed. */
  onRequestDropped: ((record: BlkReqRecord) => void) | null = null;
  /** Called as a request is handed to the backend (inside virtio_blk_submit_multireq for reads and writes). */
  onIoSubmitted: ((record: BlkReqRecord) => void) | null = null;
  /** The QEMU function that sends a completion's interrupt in this device's thread (see `iothread`). */
  readonly notifyFn: 'virtio_notify' | 'virtio_notify_irqfd';
  private readonly tracer: Tracer;
  private readonly specChecks: boolean | undefined;
  private readonly maxRecords: number;
  private nextId = 0;
  /** Each queue's kick handler when it is part way through (see startHandler); null when it is not running. */
  private handlers: (HandlerPass | null)[];

  constructor(opts: VirtIOBlockOptions) {
    const numQueues = opts.numQueues ?? 1;
    const queueSize = opts.queueSize ?? 256;
    const hostFeatures = opts.hostFeatures ?? qemuVirtioBlkHostFeatures({ numQueues, readOnly: opts.disk.readOnly });
    this.mem = opts.mem;
    this.disk = opts.disk;
    this.handlers = Array.from({ length: numQueues }, () => null);
    this.serial = opts.serial ?? '';
    this.queueSize = queueSize;
    this.tracer = opts.tracer ?? NO_TRACE;
    this.specChecks = opts.specChecks;
    this.maxRecords = opts.maxRecords ?? 1000;
    this.notifyFn = opts.iothread ? 'virtio_notify_irqfd' : 'virtio_notify';
    this.conf = qemuVirtioBlkConfig({
      capacitySectors: opts.disk.capacity,
      queueSize,
      numQueues,
      hostFeatures,
      ...(opts.blkSize !== undefined ? { blkSize: opts.blkSize } : {}),
    });
    this.io = new IoScheduler<InFlight>({
      ...(opts.latency ? { latency: opts.latency } : {}),
      ...(opts.order ? { order: opts.order } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    this.vdev = new VirtIODevice({
      mem: opts.mem,
      deviceId: VIRTIO_ID_BLOCK,
      name: 'virtio-blk',
      hostFeatures,
      numQueues,
      queueMaxSize: queueSize,
      config: encodeVirtioBlkConfig(this.conf, virtio_blk_config_size(hostFeatures)),
      tracer: this.tracer,
      ...(opts.startIdx !== undefined ? { startIdx: opts.startIdx } : {}),
      ...(opts.specChecks !== undefined ? { specChecks: opts.specChecks } : {}),
      onInterrupt: (source) => this.onInterrupt?.(source),
    });
  }

  /** Virtual time of the backend, in ticks. */
  get now(): number {
    return this.io.now;
  }

  /** Requests handed to the backend and not yet completed. */
  get inFlight(): number {
    return this.io.size;
  }

  /** The protocol errors the device reported (QEMU's virtio_error history). */
  get errors(): readonly VirtioError[] {
    return this.vdev.errors;
  }

  /** QEMU: virtio_blk_handle_output(), the queue's handler for a kick, run to its end. Ignored until the queue runs. */
  virtio_blk_handle_output(n: number): void {
    traced(this.tracer, 'virtio_blk_handle_output', () => {
      this.counters.kicksReceived++;
      const vq = this.vdev.queue(n);
      if (vq) this.virtio_blk_handle_vq(n, vq);
    });
  }

  /**
   * QEMU: virtio_blk_handle_vq(). With kicks disabled, pop and handle until the ring is empty; enable kicks, and
   * look again, since the driver may have added a request before it saw the re-enabled notifications.
   * Returns whether any request was popped. Stops at the first protocol error.
   */
  virtio_blk_handle_vq(n: number, vq: VirtQueue): boolean {
    return traced(this.tracer, 'virtio_blk_handle_vq', () => {
      const pass: HandlerPass = { passes: 0, draining: false, progress: false };
      while (!this.handleVqPart(n, vq, pass)) {
        /* the next request, or the next pass */
      }
      return pass.progress;
    });
  }

  /**
   * The kick's handler a part at a time, as the simulation steps it: the guest runs on while the IOThread is in
   * the handler (QEMU's handler holds no lock the vCPU needs), so it can see NO_NOTIFY set and skip its kick.
   * Starts the handler for queue n (virtio_blk_handle_output) and takes its first part (nothing while the queue
   * does not run yet).
   */
  startHandler(n: number): void {
    traced(this.tracer, 'virtio_blk_handle_output', () => {
      this.counters.kicksReceived++;
      const vq = this.vdev.queue(n);
      if (!vq) return;
      const pass: HandlerPass = { passes: 0, draining: false, progress: false };
      this.handlers[n] = pass;
      this.continueOn(n, vq, pass);
    });
  }

  /** Takes the next part of queue n's handler (see startHandler): one request, or the end of a pass. */
  continueHandler(n: number): void {
    const pass = this.handlers[n];
    const vq = this.vdev.queue(n);
    if (!pass) return;
    if (!vq) {
      this.handlers[n] = null;
      return;
    }
    this.continueOn(n, vq, pass);
  }

  /** Whether queue n's handler is part way through (its IOThread must finish it before anything else). */
  inHandler(n: number): boolean {
    return (this.handlers[n] ?? null) !== null;
  }

  private continueOn(n: number, vq: VirtQueue, pass: HandlerPass): void {
    traced(this.tracer, 'virtio_blk_handle_vq', () => {
      if (this.handleVqPart(n, vq, pass)) this.handlers[n] = null;
    });
  }

  /**
   * One part of virtio_blk_handle_vq's loops: the start of a pass (kicks off), one request popped and handled, or
   * the end of a pass (kicks on, look again) when the ring is empty. True when the handler is done.
   */
  private handleVqPart(n: number, vq: VirtQueue, pass: HandlerPass): boolean {
    const done = this.handleVqStep(n, vq, pass);
    // After the do/while loop, with notifications back on: the batch goes to the backend.
    if (done && pass.mrb && pass.mrb.reqs.length > 0) this.virtio_blk_submit_multireq(pass.mrb);
    return done;
  }

  private handleVqStep(n: number, vq: VirtQueue, pass: HandlerPass): boolean {
    if (!pass.draining) {
      if (pass.passes++ > 0) this.counters.notificationRaces++;
      if (!this.checked(vq.virtio_queue_set_notification(false))) return true;
      pass.draining = true;
    }
    if (!this.vdev.broken) {
      const popped = vq.virtqueue_pop();
      if (!popped.ok) this.vdev.virtio_error(popped.error);
      else if (popped.value !== null) {
        pass.progress = true;
        const req = this.virtio_blk_get_request(n, popped.value);
        // Handled: the next part pops again. A request that stopped the loop ends the pass.
        if (this.virtio_blk_handle_request(req, vq, (pass.mrb ??= { reqs: [], is_write: false }))) return false;
      }
    }
    pass.draining = false;
    if (!this.checked(vq.virtio_queue_set_notification(true))) return true;
    if (this.vdev.broken) return true;
    const empty = vq.virtio_queue_empty();
    return !this.checked(empty) || empty.value;
  }

  /**
   * Completes the I/O due at the current tick, in the configured order: what an IOThread does when its AIO
   * completions fire. With a filter, only the requests of the queues it accepts.
   */
  completeReady(queues?: (queue: number) => boolean): number {
    return this.finish(this.io.completeReady(queues ? (f) => queues(f.req.queue) : undefined));
  }

  /** How many requests are due now, on the queues the filter accepts. */
  dueFor(queues?: (queue: number) => boolean): number {
    return this.io.dueCount(queues ? (f) => queues(f.req.queue) : undefined);
  }

  /** The tick the next in-flight request is due at, or null with none in flight. */
  nextDue(): number | null {
    return this.io.nextDue();
  }

  /** Moves the backend's clock without completing anything (completeReady does that). */
  passTime(ticks: number): void {
    this.io.passTime(ticks);
  }

  /** Moves the backend's clock forward, completing what falls due. Returns how many requests completed. */
  advance(ticks = 1): number {
    return this.finish(this.io.advance(ticks));
  }

  tick(): number {
    return this.advance(1);
  }

  /**
   * Everything that changes as the device runs, as plain data: with guest memory and the disk, a checkpoint.
   * `copy` false shares the device's live objects: only for a state that is cloned at once (posted to a worker).
   */
  saveState(copy = true): VirtIOBlockSaved {
    const clone = <T>(x: T): T => (copy ? structuredClone(x) : x);
    return {
      vdev: saveVirtIODevice(this.vdev),
      handlers: this.handlers.map((h) => h && (copy ? structuredClone(h) : { ...h })),
      io: this.io.getState(),
      pending: this.io.pending.map((p) => clone({ ...p, item: { io: p.item.io, req: p.item.req } })),
      records: copy ? structuredClone(this.records) : this.records.slice(),
      counters: { ...this.counters },
      nextId: this.nextId,
    };
  }

  /**
   * Restores a state from saveState() (on a device built with the same options). `copy` false takes over
   * `saved`'s objects: only for a state nothing else holds (a structured clone just received from a worker).
   */
  loadState(saved: VirtIOBlockSaved, copy = true): void {
    const clone = <T>(x: T): T => (copy ? structuredClone(x) : x);
    loadVirtIODevice(this.vdev, saved.vdev, {
      tracer: this.tracer,
      ...(this.specChecks !== undefined ? { specChecks: this.specChecks } : {}),
    });
    this.io.setState(saved.io);
    this.records.splice(0, this.records.length, ...clone(saved.records));
    // In-flight requests update the record the UI lists: link them to it again (a JSON round trip split them).
    const byId = new Map(this.records.map((r) => [r.id, r]));
    const relink = (req: VirtIOBlockReq): VirtIOBlockReq => ({ ...req, record: byId.get(req.record.id) ?? req.record });
    this.io.restorePending(
      clone(saved.pending).map((p) => {
        const record = byId.get(p.item.req.record.id) ?? p.item.req.record;
        return { ...p, item: { io: p.item.io, req: { ...p.item.req, record } } };
      }),
    );
    Object.assign(this.counters, saved.counters);
    this.nextId = saved.nextId;
    this.handlers = clone(saved.handlers).map(
      (h) =>
        h && {
          ...h,
          ...(h.mrb ? { mrb: { ...h.mrb, reqs: h.mrb.reqs.map((f) => ({ ...f, req: relink(f.req) })) } } : {}),
        },
    );
  }

  /**
   * QEMU: virtio_blk_reset() on top of virtio_reset(). QEMU drains in-flight I/O first; here it is dropped, since
   * the rings it would complete into are being torn down.
   */
  virtio_blk_reset(): void {
    traced(this.tracer, 'virtio_blk_reset', () => {
      for (const dropped of this.io.cancel(() => true)) dropped.item.req.record.state = 'dropped';
      for (const h of this.handlers) for (const f of h?.mrb?.reqs ?? []) f.req.record.state = 'dropped';
      this.handlers = this.handlers.map(() => null);
      this.vdev.virtio_reset();
    });
  }

  /** QEMU: virtio_blk_get_request(): wraps a popped element in a request. */
  private virtio_blk_get_request(queue: number, elem: VirtIOBlockReq['elem']): VirtIOBlockReq {
    this.counters.requests++;
    const record: BlkReqRecord = {
      id: this.nextId++,
      queue,
      head: elem.index,
      type: null,
      typeName: '?',
      sector: null,
      length: 0,
      in_len: 0,
      state: 'popped',
      status: null,
      submitTick: this.io.now,
      completeTick: null,
      notified: null,
    };
    this.addRecord(record);
    return { elem, queue, statusAddr: -1, in_len: 0, record };
  }

  /**
   * QEMU: virtio_blk_handle_request() and its dispatch. A read or write joins the MultiReqBuffer (a full batch,
   * or one of the other direction, is submitted first); a flush submits pending writes, then itself; discard and
   * write-zeroes go to the backend at once. False after a protocol error.
   */
  private virtio_blk_handle_request(req: VirtIOBlockReq, vq: VirtQueue, mrb: MultiReqBuffer): boolean {
    return traced(this.tracer, 'virtio_blk_handle_request', () => {
      const parsed = virtio_blk_handle_request(this.requestContext(), req.elem);
      const { record } = req;
      if (parsed.hdr) {
        record.type = parsed.hdr.type;
        record.typeName = blkTypeName(parsed.hdr.type);
        record.sector = parsed.hdr.sector;
      }
      if (!parsed.ok) {
        record.state = 'failed';
        record.error = parsed.error;
        this.counters.failed++;
        this.vdev.virtio_error(parsed.error);
        vq.virtqueue_detach_element(req.elem);
        return false;
      }
      req.statusAddr = parsed.statusAddr;
      req.in_len = parsed.in_len;
      record.in_len = parsed.in_len;
      record.length = parsed.length;
      if (parsed.outcome.kind === 'complete') {
        this.virtio_blk_req_complete(req, parsed.outcome.status);
        return true;
      }
      const io = parsed.outcome.io;
      if (io.kind === 'read' || io.kind === 'write') {
        const is_write = io.kind === 'write';
        // request_merging is on (QEMU's default): only a full batch or a change of direction flushes it here.
        if (mrb.reqs.length > 0 && (mrb.reqs.length === VIRTIO_BLK_MAX_MERGE_REQS || is_write !== mrb.is_write)) {
          this.virtio_blk_submit_multireq(mrb);
        }
        mrb.reqs.push({ req, io });
        mrb.is_write = is_write;
        return true;
      }
      // virtio_blk_handle_flush(): outstanding writes reach the backend before the flush.
      if (io.kind === 'flush' && mrb.is_write && mrb.reqs.length > 0) this.virtio_blk_submit_multireq(mrb);
      this.submit({ req, io });
      return true;
    });
  }

  /**
   * QEMU: virtio_blk_submit_multireq(). Hands the batch to the backend sorted by sector (QEMU's qsort; a stable
   * sort here, so equal sectors keep their order) and empties it.
   */
  private virtio_blk_submit_multireq(mrb: MultiReqBuffer): void {
    traced(this.tracer, 'virtio_blk_submit_multireq', () => {
      const batch = mrb.reqs.splice(0);
      if (batch.length > 1) batch.sort((a, b) => ioSector(a.io) - ioSector(b.io));
      for (const f of batch) this.submit(f);
    });
  }

  /** One backend operation started (blk_aio_preadv and friends): it completes in virtual time. */
  private submit(f: InFlight): void {
    f.req.record.state = 'in-io';
    this.io.submit(f);
    this.onIoSubmitted?.(f.req.record);
  }

  /** Runs each completed backend operation against the disk and completes its request. */
  private finish(done: Completed<InFlight>[]): number {
    for (const { item } of done) {
      // The completion callback completes the request itself (QEMU's virtio_blk_rw_complete and the flush,
      // discard and write-zeroes callbacks alike).
      traced(this.tracer, 'virtio_blk_rw_complete', () => {
        const status = this.perform(item.io);
        this.virtio_blk_req_complete(item.req, status);
      });
    }
    return done.length;
  }

  /** The backend operation, done at its completion tick. A disk error becomes IOERR (werror=report). */
  private perform(io: BlkIo): number {
    switch (io.kind) {
      case 'read': {
        const r = this.disk.read(io.sector, io.bytes / 512);
        if (!r.ok) return VIRTIO_BLK_S_IOERR;
        iov_from_buf(this.mem, io.iov, 0, r.value);
        return VIRTIO_BLK_S_OK;
      }
      case 'write':
        return this.disk.write(io.sector, iov_to_buf(this.mem, io.iov, 0, io.bytes)).ok
          ? VIRTIO_BLK_S_OK
          : VIRTIO_BLK_S_IOERR;
      case 'flush':
        return this.disk.flush().ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
      case 'discard':
        return this.disk.discard(io.sector, io.count).ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
      case 'write-zeroes':
        return this.disk.write_zeroes(io.sector, io.count).ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
    }
  }

  /**
   * QEMU: virtio_blk_req_complete(). Writes the status byte, pushes the element with every writable byte as its
   * length, and lets virtio_notify decide on the interrupt (virtio_notify_irqfd in an IOThread). A broken device
   * pushes nothing (QEMU's virtio_device_disabled()).
   */
  private virtio_blk_req_complete(req: VirtIOBlockReq, status: number): void {
    traced(this.tracer, 'virtio_blk_req_complete', () => {
      const { record } = req;
      this.mem.write8(req.statusAddr, status);
      record.status = status;
      record.completeTick = this.io.now;
      const vq = this.vdev.queue(req.queue);
      if (!vq) {
        record.state = 'dropped';
        this.counters.dropped++;
        this.onRequestDropped?.(record);
        return;
      }
      const pushed = vq.virtqueue_push(req.elem, req.in_len);
      if (!pushed.ok) {
        record.state = 'dropped';
        this.counters.dropped++;
        this.vdev.virtio_error(pushed.error);
        return;
      }
      record.state = 'completed';
      this.counters.completed++;
      this.onRequestComplete?.(record);
      if (status === VIRTIO_BLK_S_OK) this.counters.ok++;
      else if (status === VIRTIO_BLK_S_UNSUPP) this.counters.unsupp++;
      else this.counters.ioerr++;
      const sent =
        this.notifyFn === 'virtio_notify_irqfd'
          ? this.vdev.virtio_notify_irqfd(req.queue)
          : this.vdev.virtio_notify(req.queue);
      record.notified = sent;
      if (sent) this.counters.interruptsSent++;
      else this.counters.interruptsSuppressed++;
      this.onNotifyDecision?.(req.queue, sent);
    });
  }

  private requestContext(): BlkRequestContext {
    return {
      mem: this.mem,
      capacity: this.disk.capacity,
      logicalBlockSize: this.conf.blk_size,
      serial: this.serial,
      guestFeatures: this.vdev.guest_features,
      maxDiscardSectors: BDRV_REQUEST_MAX_SECTORS,
      maxWriteZeroesSectors: BDRV_REQUEST_MAX_SECTORS,
    };
  }

  /** Hands a failed queue operation to virtio_error; true when it succeeded. */
  private checked<T>(r: { ok: true; value: T } | { ok: false; error: VirtioError }): r is { ok: true; value: T } {
    if (!r.ok) this.vdev.virtio_error(r.error);
    return r.ok;
  }

  private addRecord(record: BlkReqRecord): void {
    this.records.push(record);
    if (this.records.length <= this.maxRecords) return;
    const i = this.records.findIndex((r) => r.state !== 'popped' && r.state !== 'in-io');
    this.records.splice(i < 0 ? 0 : i, 1);
  }
}

/** The sector a read or write starts at (what QEMU's multireq_compare orders by). */
function ioSector(io: BlkIo): number {
  return io.kind === 'read' || io.kind === 'write' ? io.sector : 0;
}
