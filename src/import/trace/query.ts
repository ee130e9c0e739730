import { EV } from './events';
import type { QueueFields, TraceHistory } from './history';
import { OP_NAMES, type RequestOp } from './history';

/** The last of `sorted` that is <= x, as an index into it; -1 when none is. */
export function lastAtOrBefore(sorted: Uint32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A queue's VirtQueue fields right after event `at` (all zero before its first event). */
export function queueStateAt(h: TraceHistory, queue: number, at: number): QueueFields {
  const list = h.queues[queue]?.events;
  const k = list ? lastAtOrBefore(list, at) : -1;
  if (k < 0) return { last_avail_idx: 0, used_idx: 0, inuse: 0, inFlight: 0 };
  const e = list![k]!;
  return {
    last_avail_idx: h.events.last_avail_idx[e]!,
    used_idx: h.events.used_idx[e]!,
    inuse: h.events.inuse[e]!,
    inFlight: h.events.inFlight[e]!,
  };
}

/** Kicks, interrupts, requests... of a queue (or every queue: -1) up to and including event `at`. */
export interface TraceCounters {
  requests: number;
  completed: number;
  kicks: number;
  interrupts: number;
  kicksPerRequest: number | null;
  interruptsPerRequest: number | null;
}

export function countersAt(h: TraceHistory, queue: number, at: number): TraceCounters {
  const ev = h.events;
  let requests = 0;
  let completed = 0;
  let kicks = 0;
  let interrupts = 0;
  const end = Math.min(at, ev.length - 1);
  for (let i = 0; i <= end; i++) {
    if (queue >= 0 && ev.queue[i] !== queue) continue;
    switch (ev.kind[i]) {
      case 3: // virtqueue_pop
        requests++;
        break;
      case 9: // virtqueue_fill
        completed++;
        break;
      case 1: // virtio_queue_notify
        kicks++;
        break;
      case 11: // virtio_notify_irqfd
      case 12: // virtio_notify
        interrupts++;
        break;
    }
  }
  return {
    requests,
    completed,
    kicks,
    interrupts,
    kicksPerRequest: requests ? kicks / requests : null,
    interruptsPerRequest: requests ? interrupts / requests : null,
  };
}

/**
 * Pop to completion (virtio_blk_req_complete, else virtqueue_fill), in microseconds; NaN without timestamps, and
 * for a request begun before the trace (its pop is not in it).
 */
export function requestLatencyUs(h: TraceHistory, req: number): number {
  const r = h.requests;
  if (r.beforeTrace[req]) return NaN;
  const end = r.completeEvent[req]! >= 0 ? r.completeEvent[req]! : r.fillEvent[req]!;
  if (end < 0) return NaN;
  return h.events.time[end]! - h.events.time[r.popEvent[req]!]!;
}

export interface LatencyStats {
  count: number;
  minUs: number;
  medianUs: number;
  p95Us: number;
  maxUs: number;
  /** Requests per bucket of `edgesUs` (bucket i is [edges[i], edges[i+1])). */
  edgesUs: number[];
  histogram: number[];
}

/** Latency pop → completion over the completed requests of a queue (-1: all); null without timestamps. */
export function latencyStats(h: TraceHistory, queue: number, buckets = 12): LatencyStats | null {
  if (!h.hasTimestamps) return null;
  const values: number[] = [];
  for (let i = 0; i < h.requests.length; i++) {
    if (queue >= 0 && h.requests.queue[i] !== queue) continue;
    const v = requestLatencyUs(h, i);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  // Latencies span orders of magnitude (cache hits to disk writes): buckets on a log scale.
  const lo = Math.max(1, sorted[0]!);
  const hi = Math.max(lo * 2, sorted[sorted.length - 1]!);
  const edgesUs = Array.from({ length: buckets + 1 }, (_, i) => lo * Math.pow(hi / lo, i / buckets));
  const histogram = new Array<number>(buckets).fill(0);
  for (const v of sorted) {
    const b = v <= lo ? 0 : Math.floor((Math.log(v / lo) / Math.log(hi / lo)) * buckets);
    histogram[Math.min(buckets - 1, Math.max(0, b))]!++;
  }
  return {
    count: sorted.length,
    minUs: sorted[0]!,
    medianUs: pick(0.5),
    p95Us: pick(0.95),
    maxUs: sorted[sorted.length - 1]!,
    edgesUs,
    histogram,
  };
}

/** Queue depth (requests in flight) over the events, at most `buckets` points, each the max of its span. */
export interface DepthPoint {
  /** First event of the span. */
  at: number;
  max: number;
}

export function depthSeries(h: TraceHistory, queue: number, buckets: number): DepthPoint[] {
  const list = h.queues[queue]?.events;
  if (!list || list.length === 0 || h.events.length === 0) return [];
  const n = h.events.length;
  const span = Math.max(1, Math.ceil(n / buckets));
  const out: DepthPoint[] = [];
  let k = 0;
  let current = 0;
  for (let start = 0; start < n; start += span) {
    let max = current;
    while (k < list.length && list[k]! < start + span) {
      current = h.events.inFlight[list[k]!]!;
      if (current > max) max = current;
      k++;
    }
    out.push({ at: start, max });
  }
  return out;
}

export interface RequestRow {
  id: number;
  queue: number;
  op: RequestOp;
  sector: number | null;
  nsectors: number | null;
  in_num: number;
  out_num: number;
  status: number | null;
  merged: boolean;
  /** Where the request is at the chosen event. */
  stage: 'popped' | 'completed' | 'filled' | 'flushed' | 'reset';
  /** The virtqueue_pop line; for a request begun before the trace, the first line that named it. */
  popLine: number;
  /** Popped before the trace started: in_num/out_num and latency unknown. */
  beforeTrace: boolean;
  latencyUs: number | null;
}

/** The request as seen at event `at` (the fields filled in later are not known yet at that point). */
export function requestAt(h: TraceHistory, req: number, at: number): RequestRow {
  const r = h.requests;
  const seen = (e: number) => e >= 0 && e <= at;
  const done = seen(r.completeEvent[req]!);
  const handled = seen(r.handleEvent[req]!);
  let stage: RequestRow['stage'] = 'popped';
  if (seen(r.resetEvent[req]!)) stage = 'reset';
  else if (seen(r.flushEvent[req]!)) stage = 'flushed';
  else if (seen(r.fillEvent[req]!)) stage = 'filled';
  else if (done) stage = 'completed';
  const lat = requestLatencyUs(h, req);
  const endEvent = r.completeEvent[req]! >= 0 ? r.completeEvent[req]! : r.fillEvent[req]!;
  return {
    id: req,
    queue: r.queue[req]!,
    op: handled || done ? OP_NAMES[r.op[req]!]! : 'unknown',
    sector: handled ? r.sector[req]! : null,
    nsectors: handled ? r.nsectors[req]! : null,
    in_num: r.in_num[req]!,
    out_num: r.out_num[req]!,
    status: done ? r.status[req]! : null,
    merged: seen(r.mergedEvent[req]!),
    stage,
    popLine: h.events.line[r.popEvent[req]!]!,
    beforeTrace: r.beforeTrace[req] === 1,
    latencyUs: Number.isFinite(lat) && seen(endEvent) ? lat : null,
  };
}

/**
 * The requests to list at event `at`: those the device holds then (oldest first), then the most recently
 * finished, up to `limit` rows.
 */
export function requestsNear(h: TraceHistory, queue: number, at: number, limit: number): RequestRow[] {
  return rowsNear(h, at, limit, (i) => queue < 0 || h.requests.queue[i] === queue);
}

/**
 * The same list for the requests on no known queue: begun before the trace and not yet filled when it ends (or
 * at `at`), so no event named their vq. They are shown apart rather than dropped: their handle and completion
 * lines are real, only the queue is unknown.
 */
export function requestsOnNoQueueNear(h: TraceHistory, at: number, limit: number): RequestRow[] {
  return rowsNear(h, at, limit, (i) => h.requests.queue[i] === -1);
}

/** Requests no event tied to a queue by the end of the trace (each begun before it; see requestsOnNoQueueNear). */
export function requestsOnNoQueue(h: TraceHistory): number {
  let n = 0;
  for (let i = 0; i < h.requests.length; i++) if (h.requests.queue[i] === -1) n++;
  return n;
}

function rowsNear(h: TraceHistory, at: number, limit: number, keep: (req: number) => boolean): RequestRow[] {
  const r = h.requests;
  // Requests are numbered in pop order, so the last popped at or before `at` bounds the scan.
  let lo = 0;
  let hi = r.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r.popEvent[mid]! <= at) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const rows: RequestRow[] = [];
  const finished: RequestRow[] = [];
  const seen = (e: number) => e >= 0 && e <= at;
  // Held requests can be old, so the scan goes back to the start; the check per request is cheap.
  for (let i = last; i >= 0; i--) {
    if (!keep(i)) continue;
    const over = seen(r.flushEvent[i]!) || seen(r.resetEvent[i]!);
    if (!over) rows.push(requestAt(h, i, at));
    else if (finished.length < limit) finished.push(requestAt(h, i, at));
  }
  rows.reverse();
  return [...rows, ...finished].slice(0, limit);
}

/** Whether the queue's fields at event `at` are QEMU's own (false: they count from the trace's start). */
export function stateKnownAt(h: TraceHistory, queue: number, at: number): boolean {
  const q = h.queues[queue];
  if (!q) return true;
  return q.knownFromEvent >= 0 && q.knownFromEvent <= at;
}

/** Requests begun before the trace started (popped before its first line). */
export function requestsBeforeTrace(h: TraceHistory): number {
  let n = 0;
  for (let i = 0; i < h.requests.length; i++) n += h.requests.beforeTrace[i]!;
  return n;
}

/** Events that reset a device (virtio_set_status val 0): the ring state starts again there. */
export function resetEvents(h: TraceHistory): number[] {
  const out: number[] = [];
  const { kind, value, length } = h.events;
  for (let i = 0; i < length; i++) if (kind[i] === EV.virtio_set_status && value[i] === 0) out.push(i);
  return out;
}
