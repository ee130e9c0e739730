import type { SpawnWorker } from './conductor';

/** Starts simulation workers as module Web Workers (Vite bundles browser.worker.ts as its own file). */
export const spawnBrowserWorker: SpawnWorker = (name) => {
  const worker = new Worker(new URL('./browser.worker.ts', import.meta.url), { type: 'module', name });
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (listener) => worker.addEventListener('message', (e) => listener(e.data)),
    onError: (listener) => {
      worker.addEventListener('error', (e) => listener(e.message || 'the worker script failed'));
      worker.addEventListener('messageerror', () => listener('a message could not be read'));
    },
    terminate: () => worker.terminate(),
  };
};
