import { Worker } from 'node:worker_threads';
import type { SpawnWorker } from './conductor';

/** Starts simulation workers as Node worker_threads (through the .mjs entry that loads TypeScript). */
export const spawnNodeWorker: SpawnWorker = (name) => {
  const worker = new Worker(new URL('./node-entry.mjs', import.meta.url), { name });
  worker.unref();
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => {
      worker.on('error', (e) => listener(e.message));
      worker.on('exit', (code) => {
        if (code !== 0) listener(`exited with code ${code}`);
      });
    },
    terminate: () => void worker.terminate(),
  };
};
