import { Worker } from 'node:worker_threads';
import { runRingBench, type BenchWorker } from './coordinate';
import type { RingBenchOptions, RingBenchReply, RingBenchResult } from './protocol';

export type { RingBenchOptions, RingBenchResult } from './protocol';

/**
 * Ring throughput of our engine between two worker_threads: a driver worker (our Linux-side VringVirtqueue) adds
 * one-descriptor buffers and reclaims them, a device worker (our QEMU-side VirtQueue) pops and returns them, both
 * busy-polling one split ring in a SharedArrayBuffer for `durationMs`.
 */
export function ringThroughputNode(opts: RingBenchOptions): Promise<RingBenchResult> {
  return runRingBench(opts, (role): BenchWorker => {
    const worker = new Worker(new URL('./node-entry.mjs', import.meta.url), { name: `ringbench-${role}` });
    return {
      post: (m) => worker.postMessage(m),
      onMessage: (listener) => worker.on('message', (m: RingBenchReply) => listener(m)),
      onError: (listener) => {
        worker.on('error', (e) => listener(e.message));
        worker.on('exit', (code) => {
          if (code !== 0) listener(`exited with code ${code}`);
        });
      },
      terminate: () => void worker.terminate(),
    };
  });
}
