import { runRingBench, type BenchWorker } from './coordinate';
import type { RingBenchOptions, RingBenchReply, RingBenchResult } from './protocol';

export type { RingBenchOptions, RingBenchResult } from './protocol';

/**
 * Ring throughput of our engine between two module Web Workers (the same protocol as ringThroughputNode). The page
 * must be cross-origin isolated, for SharedArrayBuffer.
 */
export function ringThroughputBrowser(opts: RingBenchOptions): Promise<RingBenchResult> {
  return runRingBench(opts, (role): BenchWorker => {
    const worker = new Worker(new URL('./browser.worker.ts', import.meta.url), {
      type: 'module',
      name: `ringbench-${role}`,
    });
    return {
      post: (m) => worker.postMessage(m),
      onMessage: (listener) =>
        worker.addEventListener('message', (e: MessageEvent<RingBenchReply>) => listener(e.data)),
      onError: (listener) => {
        worker.addEventListener('error', (e) => listener(e.message || 'the worker script failed'));
        worker.addEventListener('messageerror', () => listener('a message could not be read'));
      },
      terminate: () => worker.terminate(),
    };
  });
}
