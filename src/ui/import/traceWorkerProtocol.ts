import type { TraceHistory } from '../../import/trace/history';
import type { TraceProgress } from '../../import/trace/parser';
import type { ImportResult } from '../../import/types';

/** Page → worker: the file to parse (a File is cloned by reference, so the page never reads it). */
export interface TraceWorkerRequest {
  file: Blob;
  name: string;
}

/** Worker → page. */
export type TraceWorkerMessage =
  { type: 'progress'; progress: TraceProgress; total: number } | { type: 'done'; result: ImportResult<TraceHistory> };

/** Every typed array of a history, so postMessage can move their buffers instead of copying them. */
export function historyBuffers(h: TraceHistory): ArrayBuffer[] {
  const arrays = [...Object.values(h.events), ...Object.values(h.requests), ...h.queues.map((q) => q.events)].filter(
    (v): v is ArrayBufferView<ArrayBuffer> => ArrayBuffer.isView(v),
  );
  return [...new Set(arrays.map((a) => a.buffer))];
}
