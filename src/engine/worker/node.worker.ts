import { parentPort } from 'node:worker_threads';
import { attachSimWorker } from './host';

if (!parentPort) throw new Error('node.worker.ts must run in a worker_thread');
const port = parentPort;
attachSimWorker({
  postMessage: (m) => port.postMessage(m),
  onMessage: (listener) => port.on('message', listener),
});
