import { LocalClient } from '../../engine/client/localClient';
import type { SimulationClient } from '../../engine/client/types';
import { WorkerClient } from '../../engine/client/workerClient';
import { spawnBrowserWorker } from '../../engine/worker/browserSpawn';

/**
 * The one place that decides which SimulationClient the UI talks to. In a cross-origin isolated page the guest
 * and each IOThread run in their own Web Workers over shared memory (WorkerClient); elsewhere the same engine
 * runs on the page's thread (LocalClient), and the isolation notice explains what the server must send.
 */
export function createSimulationClient(): SimulationClient {
  const isolated = typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
  return isolated ? new WorkerClient(spawnBrowserWorker) : new LocalClient();
}
