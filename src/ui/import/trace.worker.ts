/// <reference lib="webworker" />
import { TraceParser } from '../../import/trace/parser';
import { historyBuffers, type TraceWorkerMessage, type TraceWorkerRequest } from './traceWorkerProtocol';

/** Parses a trace log off the page's thread, a chunk at a time, posting progress every ~100 ms. */
const CHUNK = 1 << 20;
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (e: MessageEvent<TraceWorkerRequest>) => {
  const { file, name } = e.data;
  const parser = new TraceParser(name);
  const post = (m: TraceWorkerMessage, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
  let lastPost = 0;
  for (let at = 0; at < file.size && !parser.stopped; at += CHUNK) {
    parser.feed(new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer()));
    const now = performance.now();
    if (now - lastPost > 100) {
      lastPost = now;
      post({ type: 'progress', progress: parser.progress, total: file.size });
    }
  }
  const result = parser.finish();
  post({ type: 'done', result }, result.ok ? historyBuffers(result.value) : []);
};
