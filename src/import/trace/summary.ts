import type { ImportProblem, ImportResult } from '../types';
import { BLK_STATUS_NAMES } from './events';
import {
  countersOf,
  OP_READ,
  OP_WRITE,
  type BeforeTrace,
  type QueueCounters,
  type QueueFields,
  type TraceHistory,
} from './history';

export interface TraceQueueSummary extends QueueCounters {
  device: string | null;
  vq: string;
  queue: number | null;
  resets: number;
  /** Requests completed, by virtio-blk status name (VIRTIO_BLK_S_OK, ...); a status with no name by its number. */
  completions: Record<string, number>;
  last_avail_idx: number;
  used_idx: number;
  inuse: number;
  /** The fields when the last reset came (a guest that powers off resets the device: the final ones are 0). */
  beforeLastReset: (QueueFields & { line: number; fromTraceStart?: true }) | null;
  /** False: no reset showed this queue's state, so its fields count from the trace's start (see TraceQueue). */
  stateKnown: boolean;
  beforeTrace: BeforeTrace;
}

export interface TraceSummary {
  kind: 'qemu-trace';
  file: string;
  linesRead: number;
  linesIgnored: number;
  ignoredByName: Record<string, number>;
  events: number;
  eventCounts: Record<string, number>;
  timestamps: boolean;
  /** The trace starts mid-run: the state before its first line is unknown (see `notKnown`). */
  startsMidRun: boolean;
  /** What a trace that starts mid-run cannot tell; empty otherwise. */
  notKnown: string[];
  devices: { vdev: string; resets: number; statusChanges: number; status: number }[];
  queues: TraceQueueSummary[];
  /**
   * Requests begun before the trace that no event tied to a queue (the trace ends before their fill): counted
   * here, as no queue's counters hold them. All 0 for a trace that starts at a reset.
   */
  requestsOnNoQueue: NoQueueRequests;
  /** Present when the trace contradicted itself: the summary covers the lines before it. */
  partial?: { problem: ImportProblem };
}

export interface NoQueueRequests {
  requests: number;
  reads: number;
  writes: number;
  /** Requests completed, by virtio-blk status name, as a queue's. */
  completions: Record<string, number>;
  /** Still held by the device when the trace ends (not dropped by a reset). */
  held: number;
}

/** What the trace says of the requests on no known queue (TraceRequests.queue -1). */
export function noQueueRequests(h: TraceHistory): NoQueueRequests {
  const r = h.requests;
  const out: NoQueueRequests = { requests: 0, reads: 0, writes: 0, completions: {}, held: 0 };
  const byStatus: Record<string, number> = {};
  for (let i = 0; i < r.length; i++) {
    if (r.queue[i] !== -1) continue;
    out.requests++;
    if (r.handleEvent[i]! >= 0 && r.op[i] === OP_READ) out.reads++;
    if (r.handleEvent[i]! >= 0 && r.op[i] === OP_WRITE) out.writes++;
    if (r.completeEvent[i]! >= 0) byStatus[r.status[i]!] = (byStatus[r.status[i]!] ?? 0) + 1;
    if (r.resetEvent[i]! < 0) out.held++;
  }
  out.completions = completionsByName(byStatus);
  return out;
}

const NOT_KNOWN_MID_RUN = [
  'the VirtQueue fields before the first line: until a reset, last_avail_idx and used_idx count from the trace start, and inuse counts only the elements the trace has shown',
  'for requests begun before the trace: when they were popped, their in_num/out_num, their latency, and their type unless a handle line follows',
  'requests begun and finished before the trace',
];

/**
 * The history keys completions by virtio_blk_req_complete()'s status number; a reader of the summary wants the
 * spec's names (VIRTIO_BLK_S_OK = 0, IOERR = 1, UNSUPP = 2). Any other number stays a number: QEMU's virtio-blk
 * sends only these three, so another one means the trace is not what it seems, and it is shown as it was read.
 */
export function completionsByName(byStatus: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(byStatus).map(([status, n]) => {
      const name = BLK_STATUS_NAMES[Number(status)];
      return [name ? `VIRTIO_BLK_S_${name}` : status, n];
    }),
  );
}

/** What the CLI prints for a trace: per queue counts and final VirtQueue fields. */
export function traceSummary(h: TraceHistory, problem?: ImportProblem): TraceSummary {
  return {
    kind: 'qemu-trace',
    file: h.file,
    linesRead: h.lines,
    linesIgnored: h.ignoredLines,
    ignoredByName: h.ignoredByName,
    events: h.events.length,
    eventCounts: h.eventCounts as Record<string, number>,
    timestamps: h.hasTimestamps,
    startsMidRun: h.startsMidRun,
    notKnown: h.startsMidRun ? NOT_KNOWN_MID_RUN : [],
    devices: h.devices,
    queues: h.queues.map((q) => ({
      device: q.device >= 0 ? h.devices[q.device]!.vdev : null,
      vq: q.vq,
      queue: q.index,
      // A reset is device-wide: every queue of the device counts it.
      resets: q.device >= 0 ? h.devices[q.device]!.resets : 0,
      ...countersOf(q),
      completions: completionsByName(q.completions),
      last_avail_idx: q.final.last_avail_idx,
      used_idx: q.final.used_idx,
      inuse: q.final.inuse,
      beforeLastReset: q.beforeLastReset,
      stateKnown: q.stateKnown,
      beforeTrace: q.beforeTrace,
    })),
    requestsOnNoQueue: noQueueRequests(h),
    ...(problem ? { partial: { problem } } : {}),
  };
}

/** The summary of a parse result, or its problem. */
export function summarizeTraceResult(
  r: ImportResult<TraceHistory>,
): { ok: true; summary: TraceSummary } | { ok: false; problem: ImportProblem } {
  if (!r.ok) return r;
  return { ok: true, summary: traceSummary(r.value, r.partial ? r.problem : undefined) };
}
