import type { TraceHistory } from '../../import/trace/history';
import { TraceParser, type TraceProgress } from '../../import/trace/parser';
import type { ImportResult } from '../../import/types';
import type { TraceWorkerMessage, TraceWorkerRequest } from './traceWorkerProtocol';

export interface ParseHandle {
  done: Promise<ImportResult<TraceHistory>>;
  cancel(): void;
}

export type OnProgress = (p: TraceProgress, total: number) => void;

/** Parses a trace file in a Web Worker (so the page never freezes); on the page itself, in slices, without one. */
export function parseTraceFile(file: Blob, name: string, onProgress: OnProgress): ParseHandle {
  if (typeof Worker === 'undefined') return parseOnPage(file, name, onProgress);
  const worker = new Worker(new URL('./trace.worker.ts', import.meta.url), { type: 'module', name: 'trace-import' });
  let settle: (r: ImportResult<TraceHistory>) => void = () => {};
  const done = new Promise<ImportResult<TraceHistory>>((resolve) => (settle = resolve));
  worker.onmessage = (e: MessageEvent<TraceWorkerMessage>) => {
    if (e.data.type === 'progress') onProgress(e.data.progress, e.data.total);
    else {
      settle(e.data.result);
      worker.terminate();
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    settle({ ok: false, problem: { file: name, message: `the parser stopped: ${e.message || 'worker error'}` } });
    worker.terminate();
  };
  worker.postMessage({ file, name } satisfies TraceWorkerRequest);
  return {
    done,
    cancel: () => {
      worker.terminate();
      settle({ ok: false, problem: { file: name, message: 'cancelled' } });
    },
  };
}

const CHUNK = 256 * 1024;

function parseOnPage(file: Blob, name: string, onProgress: OnProgress): ParseHandle {
  let cancelled = false;
  const run = async (): Promise<ImportResult<TraceHistory>> => {
    const parser = new TraceParser(name);
    for (let at = 0; at < file.size && !parser.stopped; at += CHUNK) {
      if (cancelled) return { ok: false, problem: { file: name, message: 'cancelled' } };
      parser.feed(new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer()));
      onProgress(parser.progress, file.size);
      // Let the page paint between slices.
      await new Promise((r) => setTimeout(r, 0));
    }
    return parser.finish();
  };
  return {
    done: run(),
    cancel: () => {
      cancelled = true;
    },
  };
}
