import { parentPort } from 'node:worker_threads';
import type { RingBenchStart } from './protocol';
import { runRingBenchRole } from './sides';

if (!parentPort) throw new Error('ringbench/node.worker.ts must run in a worker_thread');
const port = parentPort;
port.once('message', (start: RingBenchStart) => runRingBenchRole(start, (m) => port.postMessage(m)));
