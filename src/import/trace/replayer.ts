import { EV } from './events';
import { Growable } from './growable';
import type {
  BeforeTrace,
  QueueCounters,
  QueueFields,
  TraceDevice,
  TraceEvents,
  TraceQueue,
  TraceRequests,
} from './history';
import { OP_FLUSH, OP_READ, OP_UNKNOWN, OP_WRITE, countersOf, zeroCounters } from './history';
import type { LineReader } from './lineReader';

const SECTOR = 512;

interface LiveQueue extends QueueCounters {
  vq: string;
  device: number;
  index: number | null;
  state: QueueFields;
  /**
   * Requests filled since the last flush, in fill order (virtqueue_fill's idx counts them); -1 for an element
   * filled before the trace started, whose pointer the trace never names.
   */
  pendingFills: number[];
  /** See TraceQueue.stateKnown. */
  known: boolean;
  knownFrom: number;
  /** Unknown state and no flush yet: elements filled before the trace may still wait for their flush. */
  fillsBeforeTrace: boolean;
  beforeTrace: BeforeTrace;
  completions: Map<number, number>;
  beforeLastReset: (QueueFields & { line: number; fromTraceStart?: true }) | null;
  events: Growable<Uint32Array>;
  /** The event that first named this vq. */
  firstEvent: number;
  /**
   * The line where an untied queue's assumed-known state was given up, because an event fits only a queue whose
   * work began before the trace (it may belong to a device no reset has shown yet); null if it never was.
   */
  assumptionDropped: number | null;
}

const zeroFields = (): QueueFields => ({ last_avail_idx: 0, used_idx: 0, inuse: 0, inFlight: 0 });

/**
 * Replays trace events into the device's history. QEMU's VirtQueue is rebuilt from what the events imply:
 * virtqueue_pop advances last_avail_idx and inuse, virtqueue_flush advances used_idx and lowers inuse, and a
 * status write of 0 (a reset: virtio_reset → __virtio_queue_reset) zeroes them. Every event that would be
 * impossible for the QEMU code to emit in the state so far is a contradiction: `apply` returns its message and
 * leaves the history as it was before that line.
 *
 * A trace may start mid-run (events switched on later with HMP `trace-event`, or a log cut with `tail`). Until a
 * reset shows it, a queue's state before the first line is unknown, not empty: an element the trace never saw
 * popped may be named by a later handle/complete/fill (a request begun before the trace, created then), a fill's
 * idx or a flush's count may cover elements filled before the trace, and the indices count from the trace's
 * start. Only what the trace itself showed can be contradicted (a pointer it saw popped and finished, a device
 * it saw reset).
 */
export class TraceReplayer {
  private readonly devices: TraceDevice[] = [];
  private readonly deviceByPtr = new Map<number, number>();
  private readonly queues: LiveQueue[] = [];
  private readonly queueByVq = new Map<number, number>();
  /** elem pointer → request, for elements popped and not yet filled. Pointers are reused after that. */
  private readonly outstanding = new Map<number, number>();
  /** Every elem pointer the trace popped or named as begun before it: such a pointer is no longer a mystery. */
  private readonly seenElems = new Set<number>();
  /** Requests begun before the trace whose queue no event has named yet → the device that named them. */
  private readonly unplaced = new Map<number, number>();
  /** Per device (as `devices`), the events that reset it, ascending. */
  private readonly resetsOf: number[][] = [];
  private midRun = false;

  private readonly ev = {
    kind: new Growable(Uint8Array),
    line: new Growable(Uint32Array),
    time: new Growable(Float64Array),
    queue: new Growable(Int16Array),
    request: new Growable(Int32Array),
    value: new Growable(Float64Array),
    last_avail_idx: new Growable(Uint16Array),
    used_idx: new Growable(Uint16Array),
    inuse: new Growable(Uint32Array),
    inFlight: new Growable(Uint32Array),
  };

  private readonly rq = {
    queue: new Growable(Int16Array, 256),
    op: new Growable(Uint8Array, 256),
    sector: new Growable(Float64Array, 256),
    nsectors: new Growable(Uint32Array, 256),
    in_num: new Growable(Uint16Array, 256),
    out_num: new Growable(Uint16Array, 256),
    status: new Growable(Int16Array, 256),
    ret: new Growable(Int32Array, 256),
    popEvent: new Growable(Uint32Array, 256),
    handleEvent: new Growable(Int32Array, 256),
    rwCompleteEvent: new Growable(Int32Array, 256),
    completeEvent: new Growable(Int32Array, 256),
    fillEvent: new Growable(Int32Array, 256),
    flushEvent: new Growable(Int32Array, 256),
    mergedEvent: new Growable(Int32Array, 256),
    resetEvent: new Growable(Int32Array, 256),
    beforeTrace: new Growable(Uint8Array, 256),
  };

  get eventCount(): number {
    return this.ev.kind.length;
  }

  /** Bytes held by the typed columns now (spare capacity included). */
  get bytesHeld(): number {
    let total = 0;
    for (const c of Object.values(this.ev)) total += c.byteLength;
    for (const c of Object.values(this.rq)) total += c.byteLength;
    for (const q of this.queues) total += q.events.byteLength;
    return total;
  }

  /** Applies the event the reader holds; returns a contradiction's message, or null. */
  apply(r: LineReader, line: number): string | null {
    const ptr = (id: number) => r.pointerName(id);
    const p = r.p;
    const n = r.n;
    const at = this.ev.kind.length;
    switch (r.kind) {
      case EV.virtio_set_status: {
        const d = this.device(p[0]!, ptr);
        const dev = this.devices[d]!;
        dev.statusChanges++;
        dev.status = n[0]!;
        if (n[0] !== 0) return this.row(r, line, -1, -1, n[0]!);
        dev.resets++;
        this.resetsOf[d]!.push(at);
        for (let s = 0; s < this.queues.length; s++) {
          const q = this.queues[s]!;
          if (q.device === d || q.device === -1) this.resetQueue(s, at, line);
        }
        for (const [elem, req] of this.outstanding) {
          if (this.unplaced.get(req) !== d) continue;
          this.rq.resetEvent.set(req, at);
          this.outstanding.delete(elem);
          this.unplaced.delete(req);
        }
        return this.row(r, line, -1, -1, 0);
      }
      case EV.virtio_queue_notify: {
        const d = this.device(p[0]!, ptr);
        const s = this.queue(p[1]!, ptr, d);
        const q = this.queues[s]!;
        if (q.index !== null && q.index !== n[0]) {
          return `virtio_queue_notify: vq ${q.vq} was queue ${q.index}, now kicked as queue ${n[0]}`;
        }
        const tie = this.tie(q, d, 'virtio_queue_notify');
        if (tie) return tie;
        q.index = n[0]!;
        q.kicks++;
        return this.row(r, line, s, -1, n[0]!);
      }
      case EV.virtqueue_alloc_element:
        return this.row(r, line, -1, -1, n[0]!);
      case EV.virtqueue_pop: {
        const s = this.queue(p[0]!, ptr);
        const q = this.queues[s]!;
        const held = this.outstanding.get(p[1]!);
        if (held !== undefined) {
          return `virtqueue_pop: elem ${ptr(p[1]!)} popped again while the device still holds it (popped at line ${this.lineOf(this.rq.popEvent.get(held))}, never filled)`;
        }
        const req = this.newRequest(s, n[0]!, n[1]!, at, false);
        this.outstanding.set(p[1]!, req);
        this.seenElems.add(p[1]!);
        const st = q.state;
        st.last_avail_idx = (st.last_avail_idx + 1) & 0xffff;
        st.inuse++;
        st.inFlight++;
        q.pops++;
        if (st.inFlight > q.maxInFlight) q.maxInFlight = st.inFlight;
        return this.row(r, line, s, req, n[0]!);
      }
      case EV.virtio_blk_handle_read:
      case EV.virtio_blk_handle_write: {
        const name = r.kind === EV.virtio_blk_handle_read ? 'virtio_blk_handle_read' : 'virtio_blk_handle_write';
        const d = this.device(p[0]!, ptr);
        const req = this.held(name, p[1]!, ptr, d, at);
        if (typeof req === 'string') return req;
        if (this.rq.op.get(req) !== OP_UNKNOWN) return `${name}: req ${ptr(p[1]!)} was already handled`;
        const s = this.rq.queue.get(req);
        const q = this.queues[s];
        if (q) {
          const tie = this.tie(q, d, name);
          if (tie) return tie;
        }
        this.rq.op.set(req, r.kind === EV.virtio_blk_handle_read ? OP_READ : OP_WRITE);
        this.rq.sector.set(req, n[0]!);
        this.rq.nsectors.set(req, n[1]!);
        this.rq.handleEvent.set(req, at);
        if (q && r.kind === EV.virtio_blk_handle_read) q.reads++;
        else if (q) q.writes++;
        return this.row(r, line, s, req, n[0]!);
      }
      case EV.virtio_blk_submit_multireq:
        return this.merge(r, line, at);
      case EV.virtio_blk_rw_complete: {
        const req = this.held('virtio_blk_rw_complete', p[1]!, ptr, this.device(p[0]!, ptr), at);
        if (typeof req === 'string') return req;
        if (this.rq.rwCompleteEvent.get(req) >= 0) return `virtio_blk_rw_complete: req ${ptr(p[1]!)} completed twice`;
        this.rq.rwCompleteEvent.set(req, at);
        this.rq.ret.set(req, n[0]!);
        return this.row(r, line, this.rq.queue.get(req), req, n[0]!);
      }
      case EV.virtio_blk_req_complete: {
        const req = this.held('virtio_blk_req_complete', p[1]!, ptr, this.device(p[0]!, ptr), at);
        if (typeof req === 'string') return req;
        if (this.rq.completeEvent.get(req) >= 0) return `virtio_blk_req_complete: req ${ptr(p[1]!)} completed twice`;
        const q = this.queues[this.rq.queue.get(req)];
        // A request begun before the trace may have been handled before it too: its type stays unknown.
        if (this.rq.op.get(req) === OP_UNKNOWN && this.rq.beforeTrace.get(req) === 0) {
          this.rq.op.set(req, OP_FLUSH);
          if (q) q.flushRequests++;
        }
        this.rq.completeEvent.set(req, at);
        this.rq.status.set(req, n[0]!);
        if (q) q.completions.set(n[0]!, (q.completions.get(n[0]!) ?? 0) + 1);
        return this.row(r, line, this.rq.queue.get(req), req, n[0]!);
      }
      case EV.virtqueue_fill:
      case EV.virtqueue_flush: {
        const s = this.queue(p[0]!, ptr);
        const apply = () => (r.kind === EV.virtqueue_fill ? this.fill(r, line, s, at) : this.flush(r, line, s, at));
        const m = apply();
        // An untied queue's known state was assumed; an event that fits only earlier work gives it up instead.
        return m !== null && this.dropAssumption(s, line) ? apply() : m;
      }
      case EV.virtio_notify_irqfd:
      case EV.virtio_notify: {
        const d = this.device(p[0]!, ptr);
        const s = this.queue(p[1]!, ptr, d);
        const q = this.queues[s]!;
        const tie = this.tie(q, d, 'virtio_notify');
        if (tie) return tie;
        q.interrupts++;
        return this.row(r, line, s, -1, 0);
      }
      default:
        // virtio_blk_data_plane_start / _stop
        return this.row(r, line, -1, -1, 0);
    }
  }

  /** virtqueue_fill on queue `s`: returns a contradiction's message before changing anything, or null. */
  private fill(r: LineReader, line: number, s: number, at: number): string | null {
    const ptr = (id: number) => r.pointerName(id);
    const p = r.p;
    const n = r.n;
    const q = this.queues[s]!;
    const held = this.outstanding.get(p[1]!);
    const before = held === undefined && !q.known && !this.seenElems.has(p[1]!);
    if (held === undefined && !before) {
      return `virtqueue_fill: elem ${ptr(p[1]!)} was never popped (or was already filled): a fill without a pop`;
    }
    const from = held === undefined ? -1 : this.rq.queue.get(held);
    if (from !== -1 && from !== s) {
      return `virtqueue_fill: elem ${ptr(p[1]!)} was popped from vq ${this.queues[from]!.vq}`;
    }
    // idx counts the fills since the last flush; before the first flush some of them may predate the trace.
    const idx = n[1]!;
    const waiting = q.pendingFills.length;
    if (idx !== waiting && !(q.fillsBeforeTrace && idx > waiting)) {
      return `virtqueue_fill: idx ${idx} but ${waiting} element(s) were filled since the last flush`;
    }
    if (idx > waiting) this.unnamedFills(q, idx - waiting);
    let req: number;
    if (held === undefined) req = this.beganBefore(p[1]!, s, at);
    else {
      req = held;
      if (from === -1) this.placeRequest(req, s);
    }
    this.outstanding.delete(p[1]!);
    q.pendingFills.push(req);
    this.rq.fillEvent.set(req, at);
    q.state.inFlight--;
    q.fills++;
    return this.row(r, line, s, req, n[0]!);
  }

  /** virtqueue_flush on queue `s`: returns a contradiction's message before changing anything, or null. */
  private flush(r: LineReader, line: number, s: number, at: number): string | null {
    const n = r.n;
    const q = this.queues[s]!;
    const count = n[0]!;
    if (q.fillsBeforeTrace) {
      if (count > q.pendingFills.length) this.unnamedFills(q, count - q.pendingFills.length);
      q.fillsBeforeTrace = false;
    }
    if (count > q.pendingFills.length) {
      return q.pendingFills.length === 0
        ? `virtqueue_flush: count ${count} with nothing filled since the last flush`
        : `virtqueue_flush: count ${count} but only ${q.pendingFills.length} element(s) filled since the last flush`;
    }
    for (const req of q.pendingFills.splice(0, count)) if (req >= 0) this.rq.flushEvent.set(req, at);
    q.state.used_idx = (q.state.used_idx + count) & 0xffff;
    q.state.inuse -= count;
    q.flushes++;
    return this.row(r, line, s, -1, count);
  }

  /** The result's parts. Call once, at the end. */
  build(): {
    startsMidRun: boolean;
    devices: TraceDevice[];
    queues: TraceQueue[];
    events: TraceEvents;
    requests: TraceRequests;
  } {
    const queues: TraceQueue[] = this.queues.map((q) => ({
      vq: q.vq,
      device: q.device,
      index: q.index,
      ...countersOf(q),
      completions: Object.fromEntries([...q.completions].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      final: { ...q.state },
      stateKnown: q.known,
      knownFromEvent: q.knownFrom,
      beforeTrace: { ...q.beforeTrace },
      beforeLastReset: q.beforeLastReset,
      events: q.events.done(),
    }));
    const e = this.ev;
    const events: TraceEvents = {
      length: e.kind.length,
      kind: e.kind.done(),
      line: e.line.done(),
      time: e.time.done(),
      queue: e.queue.done(),
      request: e.request.done(),
      value: e.value.done(),
      last_avail_idx: e.last_avail_idx.done(),
      used_idx: e.used_idx.done(),
      inuse: e.inuse.done(),
      inFlight: e.inFlight.done(),
    };
    const q = this.rq;
    const requests: TraceRequests = {
      length: q.queue.length,
      queue: q.queue.done(),
      op: q.op.done(),
      sector: q.sector.done(),
      nsectors: q.nsectors.done(),
      in_num: q.in_num.done(),
      out_num: q.out_num.done(),
      status: q.status.done(),
      ret: q.ret.done(),
      popEvent: q.popEvent.done(),
      handleEvent: q.handleEvent.done(),
      rwCompleteEvent: q.rwCompleteEvent.done(),
      completeEvent: q.completeEvent.done(),
      fillEvent: q.fillEvent.done(),
      flushEvent: q.flushEvent.done(),
      mergedEvent: q.mergedEvent.done(),
      resetEvent: q.resetEvent.done(),
      beforeTrace: q.beforeTrace.done(),
    };
    return {
      // Mid-run: a request begun before the trace, or a queue whose state was not known from its first event.
      startsMidRun: this.midRun || this.queues.some((q) => q.knownFrom !== 0),
      devices: this.devices.map((d) => ({ ...d })),
      queues,
      events,
      requests,
    };
  }

  private lineOf(event: number): number {
    return this.ev.line.get(event);
  }

  private device(ptrId: number, ptr: (id: number) => string): number {
    let d = this.deviceByPtr.get(ptrId);
    if (d === undefined) {
      d = this.devices.length;
      this.deviceByPtr.set(ptrId, d);
      this.devices.push({ vdev: ptr(ptrId), resets: 0, statusChanges: 0, status: 0 });
      this.resetsOf.push([]);
    }
    return d;
  }

  /**
   * The queue of this vq, created on first sight. `d`: the device the event names with it, if it does. A queue
   * first seen after a reset of its device starts from QEMU's zeroed VirtQueue; one seen before any reset of it
   * started before the trace. An event that names only the vq (pop, fill, flush) cannot say whose it is: the
   * queue is assumed known when every device seen so far was reset, and tie() settles it once an event names
   * its device (a reset of one device says nothing of another's queues).
   */
  private queue(ptrId: number, ptr: (id: number) => string, d = -1): number {
    let s = this.queueByVq.get(ptrId);
    if (s === undefined) {
      s = this.queues.length;
      this.queueByVq.set(ptrId, s);
      const known =
        d >= 0
          ? this.resetsOf[d]!.length > 0
          : this.resetsOf.length > 0 && this.resetsOf.every((resets) => resets.length > 0);
      this.queues.push({
        vq: ptr(ptrId),
        device: -1,
        index: null,
        state: zeroFields(),
        pendingFills: [],
        known,
        knownFrom: known ? 0 : -1,
        fillsBeforeTrace: !known,
        beforeTrace: { requests: 0, unnamedElements: 0 },
        ...zeroCounters(),
        completions: new Map(),
        beforeLastReset: null,
        events: new Growable(Uint32Array, 256),
        firstEvent: this.ev.kind.length,
        assumptionDropped: null,
      });
    }
    return s;
  }

  /** Ties a queue to its device the first time an event names both; a second device is a contradiction. */
  private tie(q: LiveQueue, d: number, name: string): string | null {
    if (q.device === -1) {
      q.device = d;
      return this.settleKnown(q, d, name);
    }
    if (q.device !== d) {
      return `${name}: vq ${q.vq} belongs to vdev ${this.devices[q.device]!.vdev}, not vdev ${this.devices[d]!.vdev}`;
    }
    return null;
  }

  /**
   * Whether a queue just tied to device `d` has a known state, now that its device is known: from its first event
   * if `d` was reset before it, else from the first reset of `d` after it (applied while the queue was untied),
   * else not at all. A queue that showed work begun before the trace while `d` had been reset before its first
   * event is a contradiction.
   */
  private settleKnown(q: LiveQueue, d: number, name: string): string | null {
    const resets = this.resetsOf[d]!;
    if (resets.length > 0 && resets[0]! < q.firstEvent) {
      const before = q.beforeTrace.requests + q.beforeTrace.unnamedElements > 0 || q.assumptionDropped !== null;
      if (before) {
        const at = q.assumptionDropped !== null ? ` (line ${q.assumptionDropped})` : '';
        return `${name}: vq ${q.vq} belongs to vdev ${this.devices[d]!.vdev}, reset at line ${this.lineOf(resets[0]!)} before the vq's first line ${this.lineOf(q.firstEvent)}, yet the vq showed work begun before the trace${at}`;
      }
      q.known = true;
      q.knownFrom = 0;
      q.fillsBeforeTrace = false;
      return null;
    }
    const after = resets.find((e) => e >= q.firstEvent);
    if (after !== undefined) {
      // Untied, the queue was reset with every device; the reset of its own device is the one that counts.
      q.known = true;
      q.knownFrom = after;
      return null;
    }
    if (q.known) {
      q.known = false;
      q.knownFrom = -1;
      q.fillsBeforeTrace = q.flushes === 0;
    }
    return null;
  }

  /**
   * Gives up the assumed-known state of an untied queue (see queue()): it may be the queue of a device whose reset
   * the trace has not shown. False when there is nothing to give up: the contradiction stands.
   */
  private dropAssumption(s: number, line: number): boolean {
    const q = this.queues[s]!;
    if (q.device !== -1 || !q.known) return false;
    q.known = false;
    q.knownFrom = -1;
    q.fillsBeforeTrace = q.flushes === 0;
    q.assumptionDropped = line;
    return true;
  }

  /** The request whose element (virtio-blk: VirtIOBlockReq starts with it) has this pointer and is held. */
  private held(name: string, ptrId: number, ptr: (id: number) => string, d: number, at: number): number | string {
    const req = this.outstanding.get(ptrId);
    if (req !== undefined) return req;
    if (this.devices[d]!.resets === 0 && !this.seenElems.has(ptrId)) {
      // No reset of this device yet: the request may have been popped before the trace started.
      const s = this.onlyQueueOf(d);
      if (s === -1 || !this.queues[s]!.known) {
        const req = this.beganBefore(ptrId, s, at);
        if (s === -1) this.unplaced.set(req, d);
        return req;
      }
    }
    return `${name}: req ${ptr(ptrId)} is not a request the device holds (no virtqueue_pop of that elem)`;
  }

  /** The device's one queue, when the trace has shown exactly one that can be its; else -1 (not known yet). */
  private onlyQueueOf(d: number): number {
    let found = -1;
    for (let s = 0; s < this.queues.length; s++) {
      const owner = this.queues[s]!.device;
      if (owner !== d && owner !== -1) continue;
      if (found !== -1) return -1;
      found = s;
    }
    return found;
  }

  /**
   * A request popped before the trace started, named now for the first time; held by the device since then.
   * Its queue (-1: not known yet) gets it when an event names the vq.
   */
  private beganBefore(ptrId: number, s: number, at: number): number {
    this.midRun = true;
    const req = this.newRequest(-1, 0, 0, at, true);
    this.outstanding.set(ptrId, req);
    this.seenElems.add(ptrId);
    if (s >= 0) this.placeRequest(req, s);
    return req;
  }

  /** Puts a request begun before the trace on its queue, counting there what the trace already said of it. */
  private placeRequest(req: number, s: number): void {
    const q = this.queues[s]!;
    const r = this.rq;
    r.queue.set(req, s);
    this.unplaced.delete(req);
    q.beforeTrace.requests++;
    q.state.inuse++;
    q.state.inFlight++;
    if (q.state.inFlight > q.maxInFlight) q.maxInFlight = q.state.inFlight;
    if (r.handleEvent.get(req) >= 0) {
      if (r.op.get(req) === OP_READ) q.reads++;
      else q.writes++;
    }
    if (r.completeEvent.get(req) >= 0) {
      const status = r.status.get(req);
      q.completions.set(status, (q.completions.get(status) ?? 0) + 1);
    }
  }

  /** Elements filled before the trace started and not yet flushed when it did: the device still held them. */
  private unnamedFills(q: LiveQueue, count: number): void {
    for (let i = 0; i < count; i++) q.pendingFills.unshift(-1);
    q.beforeTrace.unnamedElements += count;
    q.state.inuse += count;
  }

  private newRequest(queue: number, inNum: number, outNum: number, popEvent: number, beforeTrace: boolean): number {
    const q = this.rq;
    const id = q.queue.length;
    q.queue.push(queue);
    q.op.push(OP_UNKNOWN);
    q.sector.push(0);
    q.nsectors.push(0);
    q.in_num.push(inNum);
    q.out_num.push(outNum);
    q.status.push(-1);
    q.ret.push(0);
    q.popEvent.push(popEvent);
    q.handleEvent.push(-1);
    q.rwCompleteEvent.push(-1);
    q.completeEvent.push(-1);
    q.fillEvent.push(-1);
    q.flushEvent.push(-1);
    q.mergedEvent.push(-1);
    q.resetEvent.push(-1);
    q.beforeTrace.push(beforeTrace ? 1 : 0);
    return id;
  }

  /**
   * virtio_blk_submit_multireq names a byte range, not its requests. QEMU sends one merged request for
   * num_reqs handled requests that are adjacent on disk (virtio_blk_submit_multireq → submit_requests): they
   * are the most recently popped held requests of that direction inside the range, not yet merged or complete.
   */
  private merge(r: LineReader, line: number, at: number): string | null {
    const [num, offset, size, isWrite] = [r.n[1]!, r.n[2]!, r.n[3]!, r.n[4]!];
    const lo = offset / SECTOR;
    const hi = (offset + size) / SECTOR;
    const op = isWrite ? OP_WRITE : OP_READ;
    const q = this.rq;
    const candidates = [...this.outstanding.values()]
      .filter(
        (req) =>
          q.op.get(req) === op &&
          q.mergedEvent.get(req) < 0 &&
          q.rwCompleteEvent.get(req) < 0 &&
          q.sector.get(req) >= lo &&
          q.sector.get(req) + q.nsectors.get(req) <= hi,
      )
      .sort((a, b) => q.popEvent.get(b) - q.popEvent.get(a))
      .slice(0, num);
    const sectors = candidates.reduce((sum, req) => sum + q.nsectors.get(req), 0);
    // With the device's state unknown, some merged requests may have been handled before the trace: mark those
    // the trace shows, and accept the rest as unseen.
    const unknown = this.devices[this.device(r.p[0]!, (id) => r.pointerName(id))]!.resets === 0;
    if (!unknown && (candidates.length < num || sectors * SECTOR !== size)) {
      return `virtio_blk_submit_multireq: merges ${num} ${isWrite ? 'write' : 'read'}s of bytes ${offset}..${offset + size} but ${candidates.length} handled request(s) covering ${sectors} sector(s) lie there`;
    }
    for (const req of candidates) q.mergedEvent.set(req, at);
    const s = candidates.length > 0 ? q.queue.get(candidates[0]!) : -1;
    if (s >= 0) this.queues[s]!.mergedSubmissions++;
    return this.row(r, line, s, -1, num);
  }

  private resetQueue(s: number, at: number, line: number): void {
    const q = this.queues[s]!;
    const st = q.state;
    if (st.last_avail_idx || st.used_idx || st.inuse || st.inFlight) {
      q.beforeLastReset = q.known ? { ...st, line } : { ...st, line, fromTraceStart: true };
    }
    for (const [elem, req] of this.outstanding) {
      if (this.rq.queue.get(req) !== s) continue;
      this.rq.resetEvent.set(req, at);
      this.outstanding.delete(elem);
    }
    for (const req of q.pendingFills) if (req >= 0) this.rq.resetEvent.set(req, at);
    q.pendingFills.length = 0;
    q.state = zeroFields();
    if (!q.known) q.knownFrom = at;
    q.known = true;
    q.fillsBeforeTrace = false;
    q.events.push(at);
  }

  private row(r: LineReader, line: number, queue: number, request: number, value: number): null {
    const e = this.ev;
    const at = e.kind.length;
    e.kind.push(r.kind);
    e.line.push(line);
    e.time.push(r.timeUs);
    e.queue.push(queue);
    e.request.push(request);
    e.value.push(value);
    const st = queue >= 0 ? this.queues[queue]!.state : null;
    e.last_avail_idx.push(st?.last_avail_idx ?? 0);
    e.used_idx.push(st?.used_idx ?? 0);
    e.inuse.push(st?.inuse ?? 0);
    e.inFlight.push(st?.inFlight ?? 0);
    if (queue >= 0) this.queues[queue]!.events.push(at);
    return null;
  }
}
