import type { TraceEventName } from './events';

/**
 * What a QEMU trace log says happened, rebuilt device side. Plain data (objects and typed arrays) so a worker
 * can post it to the page. One event per known trace line; the event columns hold, for the queue the event
 * touched, the VirtQueue fields right after it.
 */
export interface TraceHistory {
  file: string;
  /** Lines read (all of them, ignored ones included), up to the first problem when partial. */
  lines: number;
  /** Lines of other events, blank lines and text that is not a trace event. */
  ignoredLines: number;
  ignoredByName: Record<string, number>;
  eventCounts: Partial<Record<TraceEventName, number>>;
  /** Whether the lines carried QEMU's `<tid>@<sec>.<usec>:` prefix (`-msg timestamp=on`). */
  hasTimestamps: boolean;
  /**
   * True when the trace starts mid-run: some queue or request was seen before any reset of its device (trace
   * events switched on later, or a log cut with `tail`). The state before the first line is then unknown.
   */
  startsMidRun: boolean;
  devices: TraceDevice[];
  queues: TraceQueue[];
  events: TraceEvents;
  requests: TraceRequests;
}

export interface TraceDevice {
  /** The `vdev` pointer: QEMU's VirtIODevice. */
  vdev: string;
  resets: number;
  statusChanges: number;
  /** The last status written (0 after a reset). */
  status: number;
}

export interface QueueFields {
  last_avail_idx: number;
  used_idx: number;
  inuse: number;
  /** Popped and not yet filled: what the device holds. */
  inFlight: number;
}

/** What a trace counts per queue: the replayer keeps them, the history and the summary report them. */
export interface QueueCounters {
  kicks: number;
  pops: number;
  fills: number;
  flushes: number;
  interrupts: number;
  reads: number;
  writes: number;
  /** Requests popped and completed with no handle_read/handle_write line: FLUSH (or another non-I/O type). */
  flushRequests: number;
  mergedSubmissions: number;
  maxInFlight: number;
}

export const zeroCounters = (): QueueCounters => ({
  kicks: 0,
  pops: 0,
  fills: 0,
  flushes: 0,
  interrupts: 0,
  reads: 0,
  writes: 0,
  flushRequests: 0,
  mergedSubmissions: 0,
  maxInFlight: 0,
});

/** The counters alone, copied out of a queue record that holds more. */
export const countersOf = (q: QueueCounters): QueueCounters => ({
  kicks: q.kicks,
  pops: q.pops,
  fills: q.fills,
  flushes: q.flushes,
  interrupts: q.interrupts,
  reads: q.reads,
  writes: q.writes,
  flushRequests: q.flushRequests,
  mergedSubmissions: q.mergedSubmissions,
  maxInFlight: q.maxInFlight,
});

export interface BeforeTrace {
  /** Requests a later event names (handle, complete, fill) that were popped before the trace started. */
  requests: number;
  /** Elements filled before the trace and flushed in it: the trace never names their pointer. */
  unnamedElements: number;
}

export interface TraceQueue extends QueueCounters {
  /** The `vq` pointer: QEMU's VirtQueue. */
  vq: string;
  /** Index into TraceHistory.devices, or -1 when no event tied this vq to a device. */
  device: number;
  /** The queue number from `virtio_queue_notify ... n`, or null when no kick named it. */
  index: number | null;
  /** virtio_blk_req_complete by status value. */
  completions: Record<string, number>;
  final: QueueFields;
  /**
   * False when no reset came before the queue's first event: its state before the trace is unknown, so
   * last_avail_idx and used_idx count from the trace's start (not the ring's), and inuse/inFlight count only the
   * elements the trace has shown (a lower bound). True once a reset zeroed it (QEMU: __virtio_queue_reset).
   */
  stateKnown: boolean;
  /** The event from which the state is known: 0 when known from the start, the reset that showed it, or -1. */
  knownFromEvent: number;
  /** What the trace shows of work begun before its first line (all 0 when the state was known from the start). */
  beforeTrace: BeforeTrace;
  /**
   * The fields just before the last reset that found the queue in use; null when none did. `fromTraceStart`:
   * the state was not known then (see stateKnown), so these count from the trace's start.
   */
  beforeLastReset: (QueueFields & { line: number; fromTraceStart?: true }) | null;
  /** Indices of the events that touched this queue (its own, and resets of its device), ascending. */
  events: Uint32Array;
}

/** One column per field; row = event. */
export interface TraceEvents {
  length: number;
  /** Index into TRACE_EVENTS. */
  kind: Uint8Array;
  /** 1-based line in the file. */
  line: Uint32Array;
  /** Microseconds since the epoch; NaN without a timestamp prefix. */
  time: Float64Array;
  /** Index into TraceHistory.queues, or -1 (device-wide events). */
  queue: Int16Array;
  /** Index into the request columns, or -1. */
  request: Int32Array;
  /**
   * The event's main number: status val, kick n, pop in_num, sector, merged num_reqs, ret, status, fill len,
   * flush count; 0 for the rest.
   */
  value: Float64Array;
  last_avail_idx: Uint16Array;
  used_idx: Uint16Array;
  inuse: Uint32Array;
  inFlight: Uint32Array;
}

export const OP_UNKNOWN = 0;
export const OP_READ = 1;
export const OP_WRITE = 2;
/** Completed with no handle_read/handle_write: a FLUSH, or another type the trace does not name. */
export const OP_FLUSH = 3;
export type RequestOp = 'unknown' | 'read' | 'write' | 'flush';
export const OP_NAMES: readonly RequestOp[] = ['unknown', 'read', 'write', 'flush'];

/**
 * One row per popped element (virtio-blk: per request), and per request begun before the trace. -1 = did not
 * happen (yet). `queue` is -1 for a request begun before the trace until an event names its vq.
 */
export interface TraceRequests {
  length: number;
  queue: Int16Array;
  op: Uint8Array;
  sector: Float64Array;
  nsectors: Uint32Array;
  in_num: Uint16Array;
  out_num: Uint16Array;
  /** virtio_blk_req_complete status, -1 before. */
  status: Int16Array;
  /** virtio_blk_rw_complete ret (0 = success), meaningful when rwCompleteEvent >= 0. */
  ret: Int32Array;
  /** virtqueue_pop; for a request begun before the trace, the first event that named it. */
  popEvent: Uint32Array;
  /** virtio_blk_handle_read / _write. */
  handleEvent: Int32Array;
  rwCompleteEvent: Int32Array;
  completeEvent: Int32Array;
  fillEvent: Int32Array;
  flushEvent: Int32Array;
  /** The virtio_blk_submit_multireq event that merged it with its neighbours. */
  mergedEvent: Int32Array;
  /** The reset event that dropped it while the device held it. */
  resetEvent: Int32Array;
  /**
   * 1 when the request was popped before the trace started (no virtqueue_pop line): popEvent is then the first
   * event that named it, and its in_num/out_num (0) and latency are unknown.
   */
  beforeTrace: Uint8Array;
}
