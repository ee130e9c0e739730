/// <reference lib="webworker" />
import { replayJobSteps, runReplayJob, type ReplayJob } from '../../engine/share/replayJob';
import type { ReplayWorkerMessage } from './replayOffPage';

/** Replays a run off the page's thread (a link's step, a run file's log), posting progress every ~100 ms. */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (e: MessageEvent<ReplayJob>) => {
  const job = e.data;
  const total = replayJobSteps(job);
  let lastPost = performance.now();
  const progress = (reached: number) => {
    // Looking at the clock every step would cost more than the step.
    if ((reached & 1023) !== 0) return;
    const now = performance.now();
    if (now - lastPost < 100) return;
    lastPost = now;
    scope.postMessage({ type: 'progress', reached, total } satisfies ReplayWorkerMessage);
  };
  scope.postMessage({ type: 'done', result: runReplayJob(job, progress) } satisfies ReplayWorkerMessage);
};
