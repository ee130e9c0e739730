import { replayJobSteps, runReplayJob, type ReplayJob, type ReplayJobResult } from '../../engine/share/replayJob';

export type ReplayWorkerMessage =
  { type: 'progress'; reached: number; total: number } | { type: 'done'; result: ReplayJobResult };

/**
 * Up to this many steps a replay runs on the page itself (about a tenth of a second): starting a worker, which
 * loads the engine, would cost more than it saves. Beyond it the page would freeze for seconds.
 */
export const ON_PAGE_STEPS = 5000;

/**
 * Runs a replay job (checking a link's step, a run file's log, or writing an export's log) in a Web Worker, so the
 * page stays responsive and can show `onProgress` (the fraction replayed); short jobs, and pages without workers,
 * run it here.
 */
export async function replayOffPage(
  job: ReplayJob,
  onProgress: (fraction: number) => void = () => {},
): Promise<ReplayJobResult> {
  if (typeof Worker === 'undefined' || replayJobSteps(job) <= ON_PAGE_STEPS) {
    // Let the page paint its busy state before the replay holds the thread.
    await new Promise((r) => setTimeout(r, 0));
    return runReplayJob(job);
  }
  const worker = new Worker(new URL('./replay.worker.ts', import.meta.url), { type: 'module', name: 'replay-check' });
  try {
    return await new Promise<ReplayJobResult>((resolve) => {
      worker.onmessage = (e: MessageEvent<ReplayWorkerMessage>) => {
        if (e.data.type === 'progress') onProgress(e.data.total > 0 ? e.data.reached / e.data.total : 1);
        else resolve(e.data.result);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        resolve({ kind: 'failed', message: `the replay stopped: ${e.message || 'worker error'}` });
      };
      worker.postMessage(job);
    });
  } finally {
    worker.terminate();
  }
}
