import type { ImportProblem, ImportResult } from '../types';
import { countersOf, type QueueCounters, type QueueFields, type TraceHistory } from './history';

export interface TraceQueueSummary extends QueueCounters {
  device: string | null;
  vq: string;
  queue: number | null;
  resets: number;
  completions: Record<string, number>;
  last_avail_idx: number;
  used_idx: number;
  inuse: number;
  /** The fields when the last reset came (a guest that powers off resets the device: the final ones are 0). */
  beforeLastReset: (QueueFields & { line: number }) | null;
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
  devices: { vdev: string; resets: number; statusChanges: number; status: number }[];
  queues: TraceQueueSummary[];
  /** Present when the trace contradicted itself: the summary covers the lines before it. */
  partial?: { problem: ImportProblem };
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
    devices: h.devices,
    queues: h.queues.map((q) => ({
      device: q.device >= 0 ? h.devices[q.device]!.vdev : null,
      vq: q.vq,
      queue: q.index,
      // A reset is device-wide: every queue of the device counts it.
      resets: q.device >= 0 ? h.devices[q.device]!.resets : 0,
      ...countersOf(q),
      completions: q.completions,
      last_avail_idx: q.final.last_avail_idx,
      used_idx: q.final.used_idx,
      inuse: q.final.inuse,
      beforeLastReset: q.beforeLastReset,
    })),
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
