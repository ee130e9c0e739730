import { SIG } from '../../src/engine/machine/signals';
import { summarize } from '../../src/engine/machine/summary';
import type { Scenario } from '../../src/engine/scenario/schema';
import { validateScenario } from '../../src/engine/scenario/validate';
import { WorkerConductor } from '../../src/engine/worker/conductor';
import { spawnNodeWorker } from '../../src/engine/worker/nodeSpawn';
import { log } from '../lib/env';
import type { Metric } from '../lib/metrics';
import { median } from '../lib/stats';
import type { Part } from './types';

const QUEUE_SIZE = 256;
const WARMUP_MS = 500;
const WINDOW_MS = Number(process.env.BENCH_BLK_MS ?? 3000);
const ROUNDS = Number(process.env.BENCH_BLK_ROUNDS ?? 2);
/** Sectors of the disk: 8 MiB, read front to back again and again. */
const CAPACITY = 16384;
const READ_SECTORS = 8; // 4 KiB
/** Reads queued per queue: more than a window finishes today; should the guest run dry, the window ends there. */
const READS_PER_QUEUE = Number(process.env.BENCH_BLK_READS ?? 100_000);

/** 4 KiB reads on every queue, the in-memory disk answering after one tick of virtual time. */
export function blkScenario(queues: number, iothreads: number): Scenario {
  const perPass = CAPACITY / READ_SECTORS;
  const passes = Math.ceil(READS_PER_QUEUE / perPass);
  const ops = [];
  for (let q = 0; q < queues; q++) {
    for (let p = 0; p < passes; p++)
      ops.push({ op: 'read', sector: 0, sectors: READ_SECTORS, count: perPass, queue: q });
  }
  const r = validateScenario({
    version: 1,
    name: `bench-blk-${queues}q-${iothreads}t`,
    title: `4 KiB reads, ${queues} queue(s), ${iothreads} IOThread(s)`,
    features: ['VERSION_1', 'RING_INDIRECT_DESC', 'RING_EVENT_IDX', 'BLK_F_FLUSH', ...(queues > 1 ? ['BLK_F_MQ'] : [])],
    queue: { size: QUEUE_SIZE, count: queues },
    device: { iothreads, latency: 1, completionOrder: 'fifo', capacity: CAPACITY },
    guest: { memory: 16 * 1024 * 1024 },
    workload: { ops },
  });
  if (!r.ok) throw new Error(`bench scenario: ${JSON.stringify(r.problems)}`);
  return r.scenario;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One free-run: completions counted over a window after a warm-up, from the shared COMPLETED word. */
async function freeRunOnce(
  queues: number,
  iothreads: number,
): Promise<{ requests: number; seconds: number; opsPerSec: number }> {
  const c = await WorkerConductor.start(blkScenario(queues, iothreads), 1, spawnNodeWorker);
  try {
    await c.freeRun();
    await sleep(WARMUP_MS);
    const c0 = Atomics.load(c.signals, SIG.COMPLETED);
    const t0 = performance.now();
    while (performance.now() - t0 < WINDOW_MS && !c.guestDone) await sleep(20);
    const c1 = Atomics.load(c.signals, SIG.COMPLETED);
    const seconds = (performance.now() - t0) / 1000;
    await c.pause();
    // The run must be sound, or its speed means nothing.
    const s = summarize(c.session.machine);
    if (s.errors.length > 0) throw new Error(`blk free-run reported errors: ${JSON.stringify(s.errors)}`);
    if (s.data.mismatches !== 0) throw new Error(`blk free-run read back ${s.data.mismatches} wrong sectors`);
    return { requests: c1 - c0, seconds, opsPerSec: (c1 - c0) / seconds };
  } finally {
    c.terminate();
  }
}

/**
 * Full virtio-blk free-run in Node worker_threads (the guest in one, each IOThread in its own): requests per second.
 * One queue with four IOThreads does not exist (QEMU gives each virtqueue to one IOThread and the scenario schema
 * refuses an IOThread without a queue), so the configurations are 1q/1t, 4q/1t and 4q/4t.
 */
export const blkPart: Part = {
  name: 'blk',
  about: `virtio-blk free-run, 4 KiB reads, 1q/1t, 4q/1t, 4q/4t (${ROUNDS} x ${WINDOW_MS} ms each)`,
  async run() {
    const configs = [
      { queues: 1, iothreads: 1 },
      { queues: 4, iothreads: 1 },
      { queues: 4, iothreads: 4 },
    ];
    const metrics: Metric[] = [];
    const runs: Record<string, unknown[]> = {};
    for (const { queues, iothreads } of configs) {
      const name = `q${queues}_t${iothreads}`;
      const samples = [];
      for (let i = 0; i < ROUNDS; i++) {
        const s = await freeRunOnce(queues, iothreads);
        log(`blk: ${queues} queue(s), ${iothreads} IOThread(s): ${Math.round(s.opsPerSec)} requests/s`);
        samples.push({ ...s, opsPerSec: Math.round(s.opsPerSec) });
      }
      runs[name] = samples;
      metrics.push({
        key: `blk.${name}_req_per_s`,
        value: Math.round(median(samples.map((s) => s.opsPerSec))),
        unit: 'req/s',
      });
    }
    return {
      metrics,
      details: {
        queueSize: QUEUE_SIZE,
        requestBytes: READ_SECTORS * 512,
        warmupMs: WARMUP_MS,
        windowMs: WINDOW_MS,
        rounds: ROUNDS,
        notApplicable: { q1_t4: 'an IOThread needs a queue of its own: 1 queue cannot have 4 IOThreads' },
        runs,
      },
    };
  },
};
