import { AllocationError, type AllocationMap, type Region } from '../../virtio/allocationMap';
import { VIRTIO_RING_F_INDIRECT_DESC } from '../../virtio/constants';
import { VringVirtqueue, type Sg, type VringDescExtra, type VringVirtqueueState } from '../../virtio/driver';
import type { VirtioError } from '../../virtio/errors';
import { hasFeature, type FeatureSet } from '../../virtio/features';
import type { GuestMemory } from '../../virtio/guestMemory';
import type { SplitRingAddrs } from '../../virtio/layout';
import { NO_TRACE, traced, type Tracer } from '../../virtio/trace';
import type { GuestAddr } from '../../virtio/types';
import type { VirtioBlkConfig } from './config';
import {
  zeroVirtblkCounters,
  type BlkIoRequest,
  type BlkStatusT,
  type VirtblkCounters,
  type VirtblkReq,
} from './driverTypes';
import { VIRTIO_BLK_F_CONFIG_WCE, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_WCE } from './features';
import {
  SECTOR_SIZE,
  VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE,
  VIRTIO_BLK_ID_BYTES,
  VIRTIO_BLK_INHDR_SIZE,
  VIRTIO_BLK_OUTHDR_SIZE,
  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
  encodeDiscardWriteZeroes,
  encodeOuthdr,
} from './protocol';
import { blockLayerCheck, isOutType, virtblk_result, virtblk_setup_cmd } from './setupCmd';

/** Where a queue's virtblk_done is in its loops. */
export interface DonePass {
  /** Callbacks are off and used buffers are being taken; false at the start of a round. */
  collecting: boolean;
  /** A request completed (queues stopped for ring space are restarted at the end). */
  reqDone: boolean;
}

/** VirtioBlk.saveState(): plain data (typed arrays, bigints and nested objects). */
export interface VirtioBlkSaved {
  nextId: number;
  counters: VirtblkCounters;
  lastError: VirtioError | null;
  requests: VirtblkReq[];
  /** Ids in the `requests` map (the UI's list), in order. */
  listed: number[];
  dispatch: number[][];
  inflight: number[];
  stopped: boolean[];
  irqPending: boolean[];
  /** Queues whose deferred run (kblockd's work, a woken submitter) is due; absent in older states. */
  runQueued?: boolean[];
  /** Each queue's virtblk_done part way through (stepwise), or null; absent in older states. */
  doneParts?: (DonePass | null)[];
  vqs: {
    state: VringVirtqueueState;
    desc_extra: VringDescExtra;
    desc_state: { data: number | null; indir_desc: GuestAddr | null }[];
    lastError: VirtioError | null;
  }[];
}

/** Linux's VIRTIO_BLK_MAX_SG_ELEMS: the most segments that fit in a virtqueue. */
const VIRTIO_BLK_MAX_SG_ELEMS = 32768;

export interface VirtioBlkDriverOptions {
  mem: GuestMemory;
  allocator: AllocationMap;
  /** The negotiated features. */
  features: FeatureSet;
  /** The device's configuration space as read at probe. */
  config: VirtioBlkConfig;
  /** One ring per virtqueue, as the transport placed them. */
  queues: SplitRingAddrs[];
  /** The kick: vp_notify, writing the queue index to the notify register. False marks the queue broken. */
  notify: (queueIndex: number) => boolean;
  tracer?: Tracer;
  /** Initial free-running ring index (the device must use the same). */
  startIdx?: number;
  /** Whether the rings still need zeroing (false when the transport already zeroed them). Default false. */
  zeroRing?: boolean;
  /** Linux's `queue_depth` module parameter: 0 (default) sizes the tag set from the ring. */
  queueDepth?: number;
  /** Split each data buffer into segments of at most this many bytes (Linux maps one per page). Default: one. */
  segmentBytes?: number;
}

/**
 * Linux's virtio_blk driver (drivers/block/virtio_blk.c) with the blk-mq behaviour it relies on: one
 * VringVirtqueue per hardware queue, a tag budget of `queue_depth` requests in flight per queue, and a dispatch
 * list per queue where requests wait (new ones, and ones pushed back after -ENOSPC while the queue is stopped).
 * Each queue has a lock, as `vqs[qid].lock`: an interrupt arriving while it is held runs when it is released.
 */
export class VirtioBlk {
  readonly vqs: VringVirtqueue<VirtblkReq>[];
  readonly num_vqs: number;
  /** blk-mq tags per hardware queue. */
  readonly queue_depth: number;
  /** Capacity in 512-byte sectors. */
  readonly capacity: number;
  /** The most data segments per request (seg_max, or 1). */
  readonly sg_elems: number;
  /** Write-back cache (virtblk_get_cache_mode): flushes reach the device only with one. */
  readonly writeback: boolean;
  readonly features: FeatureSet;
  readonly counters: VirtblkCounters = zeroVirtblkCounters();
  /** Every request, by id (the UI's list). */
  readonly requests = new Map<number, VirtblkReq>();
  /** Called after every kick decision, with what virtqueue_kick_prepare said. */
  onKickDecision: ((queue: number, kick: boolean) => void) | null = null;
  /** Called when a request ends (completed or rejected). */
  onRequestDone: ((req: VirtblkReq) => void) | null = null;
  /** Called inside virtio_queue_rq when the ring is full (-ENOSPC) and the queue is stopped. */
  onRingFull: ((queue: number) => void) | null = null;
  /** The first error a queue reported (the device broke the used ring), if any. */
  lastError: VirtioError | null = null;

  private readonly mem: GuestMemory;
  private readonly allocator: AllocationMap;
  private readonly tracer: Tracer;
  private readonly segmentBytes: number;
  private readonly dispatch: VirtblkReq[][];
  private readonly inflight: number[];
  private readonly stopped: boolean[];
  private readonly locked: boolean[];
  private readonly irqPending: boolean[];
  private readonly running: boolean[];
  private readonly rerun: boolean[];
  private readonly runQueued: boolean[];
  /** Each queue's virtblk_done when it is part way through (stepwise); null when it is not running. */
  private readonly doneParts: (DonePass | null)[];
  /**
   * virtblk_done a part at a time: the interrupt takes the first part and continueDone the rest, so the device
   * runs on meanwhile and can see VRING_AVAIL_F_NO_INTERRUPT set (the simulation steps it so; off, it runs whole).
   */
  stepwise = false;
  /** Set while our own virtqueue_notify runs, to tell its notifies from the ones virtqueue_add sends itself. */
  private inKick = false;
  private nextId = 0;

  constructor(opts: VirtioBlkDriverOptions) {
    this.mem = opts.mem;
    this.allocator = opts.allocator;
    this.tracer = opts.tracer ?? NO_TRACE;
    this.features = opts.features;
    this.num_vqs = opts.queues.length;
    if (this.num_vqs < 1) throw new RangeError('virtio_blk needs at least one virtqueue');
    const cfg = opts.config;
    this.capacity = Number(cfg.capacity);
    const segMax = hasFeature(opts.features, VIRTIO_BLK_F_SEG_MAX) ? cfg.seg_max : 0;
    this.sg_elems = Math.min(segMax || 1, VIRTIO_BLK_MAX_SG_ELEMS - 2);
    const sizeMax = hasFeature(opts.features, VIRTIO_BLK_F_SIZE_MAX) && cfg.size_max > 0 ? cfg.size_max : Infinity;
    this.segmentBytes = Math.min(opts.segmentBytes ?? Infinity, sizeMax);
    this.writeback = hasFeature(opts.features, VIRTIO_BLK_F_CONFIG_WCE)
      ? cfg.wce !== 0
      : hasFeature(opts.features, VIRTIO_BLK_F_WCE);

    this.vqs = opts.queues.map(
      (addrs, q) =>
        new VringVirtqueue<VirtblkReq>({
          mem: opts.mem,
          addrs,
          features: opts.features,
          queueIndex: q,
          allocator: opts.allocator,
          notify: (n) => {
            // Consumed on entry: the device may run (and the driver re-enter) inside opts.notify.
            if (!this.inKick) this.counters.forcedNotifies++;
            this.inKick = false;
            return opts.notify(n);
          },
          tracer: this.tracer,
          callback: () => (this.stepwise ? this.beginDone(q) : this.virtblk_done(q)),
          zeroRing: opts.zeroRing ?? false,
          tokenOwner: (data) => (data as VirtblkReq).id,
          ...(opts.startIdx !== undefined ? { startIdx: opts.startIdx } : {}),
        }),
    );
    // Linux: "Default queue sizing is to fill the ring ... but without indirect descs, we use 2 descs per req".
    const depth = opts.queueDepth || this.vqs[0]!.state.num_free;
    this.queue_depth = !opts.queueDepth && !hasFeature(opts.features, VIRTIO_RING_F_INDIRECT_DESC) ? depth >> 1 : depth;
    if (this.queue_depth < 1) {
      throw new RangeError(
        `virtio_blk: queue depth ${this.queue_depth}: blk_mq_alloc_tag_set refuses an empty tag set`,
      );
    }
    this.dispatch = this.vqs.map(() => []);
    this.inflight = this.vqs.map(() => 0);
    this.stopped = this.vqs.map(() => false);
    this.locked = this.vqs.map(() => false);
    this.irqPending = this.vqs.map(() => false);
    this.running = this.vqs.map(() => false);
    this.rerun = this.vqs.map(() => false);
    this.runQueued = this.vqs.map(() => false);
    this.doneParts = this.vqs.map(() => null);
  }

  /** The id the next submitted request will get. */
  get nextRequestId(): number {
    return this.nextId;
  }

  /** Requests waiting to enter queue q's ring. */
  pending(q: number): readonly VirtblkReq[] {
    return this.dispatch[q] ?? [];
  }

  /** Requests in queue q's ring (tags in use). */
  inFlight(q: number): number {
    return this.inflight[q] ?? 0;
  }

  /** blk_mq_stop_hw_queue() was called on q and it was not restarted yet. */
  isStopped(q: number): boolean {
    return this.stopped[q] ?? false;
  }

  /** Requests not yet ended, over all queues. */
  get outstanding(): number {
    let n = 0;
    for (let q = 0; q < this.num_vqs; q++) n += this.dispatch[q]!.length + this.inflight[q]!;
    return n;
  }

  /**
   * Everything that changes as the driver runs, as plain data: with guest memory, a checkpoint. Requests are
   * saved once and referred to by id from the dispatch lists and the rings' tokens. Taken between operations.
   * `copy` false shares the driver's live objects: only for a state that is cloned at once (posted to a worker).
   */
  saveState(copy = true): VirtioBlkSaved {
    const reqs = new Map<number, VirtblkReq>(this.requests);
    for (const list of this.dispatch) for (const r of list) reqs.set(r.id, r);
    for (const vq of this.vqs) for (const d of vq.desc_state) if (d.data) reqs.set(d.data.id, d.data);
    const state: VirtioBlkSaved = {
      nextId: this.nextId,
      counters: this.counters,
      lastError: this.lastError,
      requests: [...reqs.values()],
      listed: [...this.requests.keys()],
      dispatch: this.dispatch.map((list) => list.map((r) => r.id)),
      inflight: this.inflight,
      stopped: this.stopped,
      irqPending: this.irqPending,
      runQueued: this.runQueued,
      doneParts: this.doneParts,
      vqs: this.vqs.map((vq) => ({
        state: vq.state,
        desc_extra: vq.desc_extra,
        desc_state: vq.desc_state.map((d) => ({ data: d.data?.id ?? null, indir_desc: d.indir_desc })),
        lastError: vq.lastError,
      })),
    };
    return copy ? structuredClone(state) : state;
  }

  /**
   * Restores a state from saveState() (on a driver over the same rings). `copy` false takes over `saved`'s objects:
   * only for a state nothing else holds (a structured clone just received from a worker).
   */
  loadState(saved: VirtioBlkSaved, copy = true): void {
    const s = copy ? structuredClone(saved) : saved;
    const byId = new Map(s.requests.map((r) => [r.id, r]));
    const req = (id: number): VirtblkReq => {
      const r = byId.get(id);
      if (!r) throw new RangeError(`saved driver state refers to request ${id}, which it does not hold`);
      return r;
    };
    this.nextId = s.nextId;
    Object.assign(this.counters, s.counters);
    this.lastError = s.lastError;
    this.requests.clear();
    for (const id of s.listed) this.requests.set(id, req(id));
    s.dispatch.forEach((ids, q) => this.dispatch[q]!.splice(0, Infinity, ...ids.map(req)));
    s.vqs.forEach((v, q) => {
      const vq = this.vqs[q]!;
      Object.assign(vq.state, v.state);
      vq.desc_extra.addr.set(v.desc_extra.addr);
      vq.desc_extra.len.set(v.desc_extra.len);
      vq.desc_extra.flags.set(v.desc_extra.flags);
      vq.desc_extra.next.set(v.desc_extra.next);
      v.desc_state.forEach((d, i) => {
        vq.desc_state[i] = { data: d.data === null ? null : req(d.data), indir_desc: d.indir_desc };
      });
      vq.lastError = v.lastError;
      this.inflight[q] = s.inflight[q]!;
      this.stopped[q] = s.stopped[q]!;
      this.irqPending[q] = s.irqPending[q]!;
      this.runQueued[q] = s.runQueued?.[q] ?? false;
      this.doneParts[q] = s.doneParts?.[q] ?? null;
      this.locked[q] = false;
      this.running[q] = false;
      this.rerun[q] = false;
    });
    this.inKick = false;
  }

  /** Submits one request and runs its hardware queue: blk_mq_submit_bio() with a single-request plug. */
  submit(io: BlkIoRequest): VirtblkReq {
    const req = this.enqueue(io);
    if (req.state === 'pending') this.blk_mq_run_hw_queue(req.queue);
    return req;
  }

  /** Submits several, then runs each touched queue once: only the last dispatch of a run kicks (bd->last). */
  submitBatch(ios: readonly BlkIoRequest[]): VirtblkReq[] {
    const reqs = ios.map((io) => this.enqueue(io));
    const queues = new Set(reqs.filter((r) => r.state === 'pending').map((r) => r.queue));
    for (const q of [...queues].sort((a, b) => a - b)) this.blk_mq_run_hw_queue(q);
    return reqs;
  }

  /**
   * The device's interrupt for queue q, as vring_interrupt() takes it. While the queue's lock is held (the
   * interrupt arrived in the middle of a submission) it is held back until the lock is released.
   */
  vring_interrupt(q: number): 'IRQ_NONE' | 'IRQ_HANDLED' | 'IRQ_DEFERRED' {
    if (this.locked[q]) {
      // Like a pending IRQ line: a second one before it is taken merges with the first.
      if (this.irqPending[q]) this.counters.interruptsMerged++;
      this.irqPending[q] = true;
      return 'IRQ_DEFERRED';
    }
    const r = this.vqs[q]!.vring_interrupt();
    if (r === 'IRQ_HANDLED') this.counters.interrupts++;
    else this.counters.spuriousInterrupts++;
    return r;
  }

  /**
   * blk_mq_run_hw_queue(): dispatches queue q's waiting requests while tags remain and the queue runs. Runs of one
   * queue never overlap: a run asked for during a run (from an interrupt) happens right after it.
   */
  blk_mq_run_hw_queue(q: number): void {
    if (this.running[q]) {
      this.rerun[q] = true;
      return;
    }
    this.running[q] = true;
    try {
      do {
        this.rerun[q] = false;
        traced(this.tracer, 'blk_mq_run_hw_queue', () => this.dispatchList(q));
      } while (this.rerun[q]);
    } finally {
      this.running[q] = false;
    }
  }

  private dispatchList(q: number): void {
    const list = this.dispatch[q]!;
    let uncommitted = false;
    while (list.length > 0 && !this.stopped[q] && this.inflight[q]! < this.queue_depth) {
      const req = list.shift()!;
      // bd->last: nothing more will be dispatched in this run after this one.
      const last = list.length === 0 || this.inflight[q]! + 1 >= this.queue_depth;
      const status = this.virtio_queue_rq(req, last);
      if (status === 'BLK_STS_OK') {
        uncommitted = !last;
        continue;
      }
      if (status === 'BLK_STS_DEV_RESOURCE') {
        // Back to the head of the list. The queue is stopped now, unless an interrupt taken as the lock was
        // released already freed descriptors and restarted it: then the loop goes on with this request.
        list.unshift(req);
        continue;
      }
      if (status === 'BLK_STS_RESOURCE') {
        // Out of memory: blk-mq retries later (here: at the next completion or run of this queue).
        list.unshift(req);
        break;
      }
      this.end(req, status);
    }
    // blk-mq calls ->commit_rqs when a run stops before a request with bd->last went out.
    if (uncommitted) this.virtio_commit_rqs(q);
  }

  /** Linux: virtio_queue_rq(). */
  private virtio_queue_rq(req: VirtblkReq, last: boolean): BlkStatusT | 'BLK_STS_DEV_RESOURCE' {
    return traced(this.tracer, 'virtio_queue_rq', () => {
      req.attempts++;
      if (!this.virtblk_prep_rq(req)) return 'BLK_STS_RESOURCE';
      const q = req.queue;
      const vq = this.vqs[q]!;
      let notify = false;
      const status = this.withLock(q, (): BlkStatusT | 'BLK_STS_DEV_RESOURCE' => {
        const added = this.virtblk_add_req(vq, req);
        if (!added.ok) {
          // Let the device get going on what is already queued.
          this.kick(q);
          if (added.errno === 'ENOSPC') {
            this.counters.enospc++;
            this.blk_mq_stop_hw_queue(q);
            this.onRingFull?.(q);
            return 'BLK_STS_DEV_RESOURCE';
          }
          return 'BLK_STS_IOERR';
        }
        this.counters.added++;
        req.head = added.head;
        req.state = 'in-flight';
        this.inflight[q]!++;
        if (last) notify = this.kickPrepare(q);
        return 'BLK_STS_OK';
      });
      if (notify) this.notify(q);
      return status;
    });
  }

  /** Linux: virtio_commit_rqs(). */
  private virtio_commit_rqs(q: number): void {
    traced(this.tracer, 'virtio_commit_rqs', () => {
      const kick = this.withLock(q, () => this.kickPrepare(q));
      if (kick) this.notify(q);
    });
  }

  /**
   * Linux: virtblk_prep_rq() = virtblk_setup_cmd() + virtblk_map_data(). Buffers come from the guest's memory
   * map on the first try and stay with the request until it ends. False when memory ran out (BLK_STS_RESOURCE).
   */
  private virtblk_prep_rq(req: VirtblkReq): boolean {
    return traced(this.tracer, 'virtblk_prep_rq', () => {
      if (req.out_hdr === null && !this.allocateBuffers(req)) return false;
      const cmd = virtblk_setup_cmd(req.op, req.sector);
      traced(this.tracer, 'virtblk_setup_cmd', () => {
        this.mem.writeBytes(req.out_hdr!.start, encodeOuthdr({ type: cmd.type, ioprio: 0, sector: cmd.sector }));
        if (req.op === 'discard' || req.op === 'write-zeroes' || req.op === 'secure-erase') {
          const flags = req.op === 'write-zeroes' && req.unmap ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0;
          const seg = encodeDiscardWriteZeroes({ sector: req.sector, num_sectors: req.nsectors, flags });
          this.mem.writeBytes(req.data!.start, seg);
        }
      });
      this.virtblk_map_data(req);
      return true;
    });
  }

  /** Builds the data scatterlist: the buffer split into at most sg_elems segments of at most segmentBytes. */
  private virtblk_map_data(req: VirtblkReq): void {
    const data = req.data;
    const sgs: Sg[] = [];
    if (data !== null) {
      const per = Math.max(Math.ceil(data.size / this.sg_elems), Math.min(this.segmentBytes, data.size));
      for (let off = 0; off < data.size; off += per) {
        sgs.push({ addr: data.start + off, len: Math.min(per, data.size - off) });
      }
    }
    const hdr: Sg = { addr: req.out_hdr!.start, len: VIRTIO_BLK_OUTHDR_SIZE };
    const status: Sg = { addr: req.status!.start, len: VIRTIO_BLK_INHDR_SIZE };
    const type = virtblk_setup_cmd(req.op, 0).type;
    if (isOutType(type)) {
      req.out = [hdr, ...sgs];
      req.in_ = [status];
    } else {
      req.out = [hdr];
      req.in_ = [...sgs, status];
    }
  }

  /** Linux: virtblk_add_req(): {out_hdr} [+ data] {status}; data goes out for OUT types, in otherwise. */
  private virtblk_add_req(vq: VringVirtqueue<VirtblkReq>, req: VirtblkReq) {
    return traced(this.tracer, 'virtblk_add_req', () => vq.virtqueue_add_sgs(req.out, req.in_, req));
  }

  /**
   * Linux: virtblk_done(), the queue's callback. Takes every used buffer with callbacks off, then turns them back
   * on and goes round again if more arrived meanwhile; restarts queues stopped for lack of ring space
   * (blk_mq_start_stopped_hw_queues(q, true): asynchronously). It never submits: the requests still waiting run
   * later, in blk_mq_run_work_fn on the queue's CPU. Run to its end here; see `stepwise` for a part at a time.
   */
  virtblk_done(q: number): void {
    traced(this.tracer, 'virtblk_done', () => {
      const pass: DonePass = { collecting: false, reqDone: false };
      this.withLock(q, () => {
        while (!this.donePart(q, pass)) {
          /* the next buffer, or the next round */
        }
      });
      this.afterDone(pass);
    });
  }

  /** Whether queue q's virtblk_done is part way through (stepwise): its vCPU waits on the queue's lock. */
  inDone(q: number): boolean {
    return (this.doneParts[q] ?? null) !== null;
  }

  /** Takes the next part of queue q's virtblk_done (stepwise): one used buffer, or the end of a round. */
  continueDone(q: number): void {
    const pass = this.doneParts[q];
    if (pass) traced(this.tracer, 'virtblk_done', () => this.doneStep(q, pass));
  }

  /** virtblk_done begun from the interrupt when stepwise: its first part only. */
  private beginDone(q: number): void {
    traced(this.tracer, 'virtblk_done', () => {
      const pass: DonePass = { collecting: false, reqDone: false };
      this.doneParts[q] = pass;
      this.doneStep(q, pass);
    });
  }

  private doneStep(q: number, pass: DonePass): void {
    if (!this.withLock(q, () => this.donePart(q, pass))) return;
    this.doneParts[q] = null;
    this.afterDone(pass);
  }

  /**
   * One part of virtblk_done's loops: callbacks off at the start of a round, then one used buffer taken, or, with
   * none left, callbacks back on (virtqueue_enable_cb says whether more arrived meanwhile). True when it is done.
   */
  private donePart(q: number, pass: DonePass): boolean {
    const vq = this.vqs[q]!;
    if (!pass.collecting) {
      vq.virtqueue_disable_cb();
      pass.collecting = true;
    }
    const got = vq.virtqueue_get_buf();
    if (got !== null) {
      got.data.usedLen = got.len;
      this.virtblk_request_done(got.data);
      pass.reqDone = true;
      return false;
    }
    if (vq.virtqueue_is_broken()) {
      this.lastError ??= vq.lastError;
      return true;
    }
    pass.collecting = false;
    return vq.virtqueue_enable_cb();
  }

  private afterDone(pass: DonePass): void {
    if (pass.reqDone) this.blk_mq_start_stopped_hw_queues();
    // Freed tags wake the submitters waiting for one, and a restarted queue's run goes to kblockd: both run
    // later on the queue's CPU (blk_mq_run_work_fn), never inside the interrupt handler.
    for (let n = 0; n < this.num_vqs; n++) {
      if (this.dispatch[n]!.length > 0 && !this.stopped[n]) this.runQueued[n] = true;
    }
  }

  /** A deferred run of queue q is due: a completion restarted it or freed tags its waiting requests need. */
  hasDeferredRun(q: number): boolean {
    return (this.runQueued[q] ?? false) && this.dispatch[q]!.length > 0 && !this.stopped[q];
  }

  /** Linux: blk_mq_run_work_fn(), the deferred run of queue q, on the CPU the queue belongs to. */
  blk_mq_run_work_fn(q: number): void {
    traced(this.tracer, 'blk_mq_run_work_fn', () => {
      this.runQueued[q] = false;
      this.blk_mq_run_hw_queue(q);
    });
  }

  /** Linux: virtblk_request_done(): the status byte decides the result; reads hand their data up. */
  private virtblk_request_done(req: VirtblkReq): void {
    traced(this.tracer, 'virtblk_request_done', () => {
      const status = this.mem.read8(req.status!.start);
      req.statusByte = status;
      const result = virtblk_result(status);
      if (result === 'BLK_STS_OK' && (req.op === 'read' || req.op === 'get-id')) {
        req.readData = this.mem.readBytes(req.data!.start, req.data!.size);
      }
      this.inflight[req.queue]!--;
      this.end(req, result);
    });
  }

  /** Linux: blk_mq_stop_hw_queue(). */
  private blk_mq_stop_hw_queue(q: number): void {
    if (this.stopped[q]) return;
    this.stopped[q] = true;
    this.counters.queueStops++;
  }

  /** Linux: blk_mq_start_stopped_hw_queues(): every stopped queue of the disk runs again. */
  private blk_mq_start_stopped_hw_queues(): void {
    for (let q = 0; q < this.num_vqs; q++) {
      if (!this.stopped[q]) continue;
      this.stopped[q] = false;
      this.counters.queueRestarts++;
    }
  }

  private enqueue(io: BlkIoRequest): VirtblkReq {
    const queue = io.queue ?? 0;
    if (!Number.isInteger(queue) || queue < 0 || queue >= this.num_vqs) {
      throw new RangeError(`queue ${queue} does not exist: the disk has ${this.num_vqs} queue(s)`);
    }
    const nsectors = io.op === 'write' ? (io.data?.length ?? 0) / SECTOR_SIZE : (io.nsectors ?? 0);
    const sector = io.sector ?? 0;
    const req = makeReq(this.nextId++, queue, io, sector, nsectors);
    this.requests.set(req.id, req);
    this.counters.submitted++;
    if (!io.bypassBlockLayer) {
      const refused = blockLayerCheck(io, {
        features: this.features,
        capacity: this.capacity,
        writeback: this.writeback,
      });
      if (refused) {
        req.rejectReason = refused.reason;
        if (refused.noop) {
          req.state = 'completed';
          req.result = 'BLK_STS_OK';
          this.counters.completed++;
          this.counters.ok++;
          this.onRequestDone?.(req);
        } else {
          req.state = 'rejected';
          req.result = 'BLK_STS_IOERR';
          this.counters.rejected++;
          this.onRequestDone?.(req);
        }
        return req;
      }
    }
    this.dispatch[queue]!.push(req);
    return req;
  }

  /** Allocates the request's header, payload and status byte, owned by the request id. */
  private allocateBuffers(req: VirtblkReq): boolean {
    const taken: Region[] = [];
    const take = (size: number, align: number, kind: Region['kind'], what: string): Region => {
      const r = this.allocator.allocate(size, align, kind, `req ${req.id} ${what}`, {
        queue: req.queue,
        owner: req.id,
      });
      taken.push(r);
      return r;
    };
    try {
      const hdr = take(VIRTIO_BLK_OUTHDR_SIZE, 16, 'blk-header', 'out_hdr');
      let data: Region | null = null;
      if (req.op === 'read' || req.op === 'write') {
        if (req.nsectors > 0) data = take(req.nsectors * SECTOR_SIZE, SECTOR_SIZE, 'data-buffer', 'data');
      } else if (req.op === 'get-id') {
        data = take(VIRTIO_BLK_ID_BYTES, 4, 'data-buffer', 'id');
      } else if (req.op !== 'flush') {
        data = take(VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE, 16, 'data-buffer', 'range');
      }
      const status = take(VIRTIO_BLK_INHDR_SIZE, 1, 'status-byte', 'status');
      if (req.op === 'write' && data && req.writeData) this.mem.writeBytes(data.start, req.writeData);
      req.out_hdr = hdr;
      req.data = data;
      req.status = status;
      return true;
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      for (const r of taken) this.allocator.free(r.start);
      return false;
    }
  }

  private freeBuffers(req: VirtblkReq): void {
    for (const r of [req.out_hdr, req.data, req.status]) if (r) this.allocator.free(r.start);
  }

  private end(req: VirtblkReq, result: BlkStatusT): void {
    this.freeBuffers(req);
    req.result = result;
    req.state = 'completed';
    this.counters.completed++;
    if (result === 'BLK_STS_OK') this.counters.ok++;
    else if (result === 'BLK_STS_NOTSUPP') this.counters.notsupp++;
    else this.counters.ioerr++;
    this.onRequestDone?.(req);
  }

  /** virtqueue_kick(): prepare, then notify if asked; both counted. */
  private kick(q: number): void {
    if (this.kickPrepare(q)) this.notify(q);
  }

  private kickPrepare(q: number): boolean {
    const kick = this.vqs[q]!.virtqueue_kick_prepare();
    if (!kick) this.counters.kicksSuppressed++;
    this.onKickDecision?.(q, kick);
    return kick;
  }

  private notify(q: number): void {
    this.counters.kicks++;
    this.inKick = true;
    try {
      this.vqs[q]!.virtqueue_notify();
    } finally {
      this.inKick = false;
    }
  }

  /** spin_lock_irqsave(&vblk->vqs[q].lock): an interrupt for q during `body` is taken after it. */
  private withLock<T>(q: number, body: () => T): T {
    if (this.locked[q]) return body();
    this.locked[q] = true;
    let result: T;
    try {
      result = body();
    } finally {
      this.locked[q] = false;
    }
    if (this.irqPending[q]) {
      this.irqPending[q] = false;
      this.vring_interrupt(q);
    }
    return result;
  }
}

function makeReq(id: number, queue: number, io: BlkIoRequest, sector: number, nsectors: number): VirtblkReq {
  const ranged = io.op !== 'flush' && io.op !== 'get-id';
  return {
    id,
    queue,
    op: io.op,
    type: virtblk_setup_cmd(io.op, sector).type,
    sector: ranged ? sector : 0,
    nsectors: ranged ? nsectors : 0,
    state: 'pending',
    out_hdr: null,
    data: null,
    status: null,
    out: [],
    in_: [],
    head: null,
    attempts: 0,
    statusByte: null,
    usedLen: null,
    result: null,
    readData: null,
    writeData: io.op === 'write' ? (io.data ?? new Uint8Array(0)) : null,
    unmap: io.unmap ?? true,
  };
}
