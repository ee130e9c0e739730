import { builtinScenario } from '../../src/engine/scenario/builtin';
import { Session } from '../../src/engine/session';
import { log } from '../lib/env';
import { seededRandom, summarize } from '../lib/stats';
import type { Part } from './types';

const STEPS = Number(process.env.BENCH_HISTORY_STEPS ?? 1_000_000);
const JUMPS = Number(process.env.BENCH_HISTORY_JUMPS ?? 200);
/** random-soak's requests raised from 4,000 so that the run lasts the million steps (as session 1 measured it). */
const REQUESTS = 30_000;
const JUMP_TARGET_MS = 50;

/**
 * Time travel over a long run of the heaviest built-in scenario: random-soak (four queues of 128, 4 MiB guest
 * memory, 8 MiB disk, random reads and writes completing in random order) stretched to 30,000 requests, stepped
 * a million times on one thread; then jumps to seeded-random steps. Memory is the history's own accounting:
 * checkpoint bytes (state JSON as UTF-8 plus page diffs and keyframes) plus the step log, not the process's RSS.
 */
export const historyPart: Part = {
  name: 'history',
  about: `time travel: ${STEPS.toLocaleString('en-US')} steps of random-soak (${REQUESTS} requests), ${JUMPS} random jumps`,
  async run() {
    const base = builtinScenario('random-soak');
    if (!base?.workload.random) throw new Error('random-soak is missing or no longer random');
    const scenario = {
      ...base,
      workload: { ...base.workload, random: { ...base.workload.random, requests: REQUESTS } },
    };
    const session = new Session(scenario, 1);
    const t0 = performance.now();
    let steps = 0;
    while (steps < STEPS && session.stepOnce()) {
      steps++;
      if (steps % 250_000 === 0) log(`history: ${steps.toLocaleString('en-US')} steps`);
    }
    const runSeconds = (performance.now() - t0) / 1000;
    if (steps < STEPS) throw new Error(`the run ended after ${steps} steps, before ${STEPS}`);
    const history = session.history;
    const checkpointBytes = history.bytes;
    const logBytes = session.log.bytes;

    const random = seededRandom(7);
    const times: number[] = [];
    for (let i = 0; i < JUMPS; i++) {
      const target = 1 + Math.floor(random() * (steps - 1));
      const t = performance.now();
      const reached = session.jump(target);
      times.push(performance.now() - t);
      if (reached !== target) throw new Error(`jump to ${target} reached ${reached}`);
    }
    const jumps = summarize(times);
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      metrics: [
        {
          key: 'history.jump_ms',
          value: round(jumps.max),
          unit: 'ms',
          target: { op: '<=', value: JUMP_TARGET_MS },
          note: 'worst of the jumps (the target is on the worst)',
        },
        { key: 'history.jump_median_ms', value: round(jumps.median), unit: 'ms' },
        { key: 'history.jump_p95_ms', value: round(jumps.p95), unit: 'ms' },
        {
          key: 'history.bytes_per_step',
          value: round((checkpointBytes + logBytes) / steps),
          unit: 'B',
          note: "History.bytes + StepLog.bytes (the history's own accounting, not RSS)",
        },
      ],
      details: {
        scenario: 'random-soak',
        requests: REQUESTS,
        steps,
        runSeconds: round(runSeconds),
        checkpoints: history.checkpointCount,
        interval: history.interval,
        checkpointBytes,
        stepLogBytes: logBytes,
        jumps: { count: JUMPS, seed: 7, ...jumps, samplesMs: times.map(round) },
        memoryMeasure: 'History.bytes (checkpoint state, page diffs, keyframes) + StepLog.bytes; not process RSS',
      },
    };
  },
};
