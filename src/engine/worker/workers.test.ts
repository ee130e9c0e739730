import { afterEach, describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import { validateScenario } from '../scenario/validate';
import { Session } from '../session';
import { describe as describeView } from '../view';
import { SIG, cpuSharePercent } from '../machine/signals';
import { summarize } from '../machine/summary';
import { WorkerConductor } from './conductor';
import { spawnNodeWorker } from './nodeSpawn';
import { newThreadsCpuMs, threadCpuMs } from './threadCpu.testutil';

let conductors: WorkerConductor[] = [];
afterEach(() => {
  for (const c of conductors) c.terminate();
  conductors = [];
});

const start = async (name: string, seed = 1) => {
  const c = await WorkerConductor.start(builtinScenario(name)!, seed, spawnNodeWorker);
  conductors.push(c);
  return c;
};

describe('guest and device in worker_threads', () => {
  it('live steps taken by the workers equal a run on one thread, step for step and byte for byte', async () => {
    const c = await start('two-queues-two-iothreads', 3);
    const local = new Session(builtinScenario('two-queues-two-iothreads')!, 3);
    for (;;) {
      const live = await c.stepLive();
      const expected = local.stepOnce();
      expect(JSON.stringify(live)).toBe(JSON.stringify(expected));
      if (!live) break;
    }
    expect(Buffer.compare(new Uint8Array(c.buffers.memory), new Uint8Array(local.machine.mem.buffer))).toBe(0);
    expect(c.session.machine.saveStateJSON()).toBe(local.machine.saveStateJSON());
    expect(summarize(c.session.machine).end).toBe('completed');
  }, 60_000);

  it('mid-operation, the state the workers send back shows each side as of the steps played', async () => {
    const c = await start('out-of-order', 4);
    const local = new Session(builtinScenario('out-of-order')!, 4);
    for (let i = 0; i < 120; i++) {
      const live = await c.stepLive();
      local.stepOnce();
      if (!live) break;
      expect(describeView(c.session.machine), `step ${i + 1}`).toEqual(describeView(local.machine));
    }
  }, 60_000);

  it('time travel replays on the conductor and live stepping continues from there', async () => {
    const c = await start('out-of-order', 9);
    for (let i = 0; i < 60; i++) await c.stepLive();
    c.session.jump(25);
    const live = await c.stepLive();
    const local = new Session(builtinScenario('out-of-order')!, 9);
    for (let i = 0; i < 25; i++) local.stepOnce();
    expect(JSON.stringify(live)).toBe(JSON.stringify(local.stepOnce()));
  }, 60_000);

  it('free-runs a soak of random reads and writes, with every request completed once and the data verified', async () => {
    const r = validateScenario({
      version: 1,
      name: 'soak',
      title: 'soak',
      features: ['VERSION_1', 'RING_EVENT_IDX', 'RING_INDIRECT_DESC', 'BLK_F_MQ', 'BLK_F_FLUSH'],
      queue: { size: 256, count: 2 },
      device: { iothreads: 2, latency: [0, 8], completionOrder: 'random', capacity: 65536 },
      guest: { memory: 8 * 1024 * 1024 },
      workload: { random: { requests: Number(process.env.SOAK_REQUESTS ?? 100_000), readPercent: 50, maxSectors: 8 } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const c = await WorkerConductor.start(r.scenario, 11, spawnNodeWorker);
    conductors.push(c);
    await c.freeRun();
    const deadline = Date.now() + 240_000;
    while (!c.guestDone && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    await c.pause();
    const s = summarize(c.session.machine);
    expect(c.guestDone).toBe(true);
    expect(s.requests).toBe(r.scenario.workload.random!.requests);
    expect(s.completed).toBe(s.requests);
    expect(s.data.mismatches).toBe(0);
    expect(s.data.verified_reads).toBeGreaterThan(s.requests / 4);
    for (const q of s.queues) {
      expect(q.num_free).toBe(q.size);
      expect(q.avail_idx).toBe(q.used_idx);
      expect(q.last_avail_idx).toBe(q.avail_idx);
    }
    expect(s.errors).toEqual([]);
    // After the pause, stepping continues from the merged state: the run ends cleanly.
    while (await c.stepLive()) {
      /* nothing left but the end */
    }
    expect(summarize(c.session.machine).end).toBe('completed');
  }, 300_000);

  it('with a CPU share, the workers pause between slices yet finish the run and stop promptly when asked', async () => {
    // Long enough that neither measurement sees the guest finish.
    const r = validateScenario({
      version: 1,
      name: 'long-soak',
      title: 'long soak',
      features: ['VERSION_1', 'RING_EVENT_IDX', 'BLK_F_MQ'],
      queue: { size: 256, count: 2 },
      device: { iothreads: 2, latency: [0, 8], completionOrder: 'random', capacity: 65536 },
      guest: { memory: 8 * 1024 * 1024 },
      workload: { random: { requests: 1_000_000, readPercent: 50, maxSectors: 8 } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const threadsBefore = new Set(threadCpuMs()?.keys() ?? []);
    const c = await WorkerConductor.start(r.scenario, 3, spawnNodeWorker);
    conductors.push(c);
    const cpu = () => process.cpuUsage();
    // Unlimited first, then a 20 % share. The share is checked against its own budget, not against the unlimited
    // run: on a loaded machine the unlimited run gets little CPU too, and a comparison would say nothing.
    const measure = async (share: number) => {
      const ops0 = Atomics.load(c.signals, SIG.OPS);
      await c.freeRun(share);
      expect(Atomics.load(c.signals, SIG.CPU_SHARE)).toBe(share);
      // Counted once the workers have loaded their state and run steadily, and not while pause merges their parts:
      // those are fixed costs outside any share.
      await new Promise((res) => setTimeout(res, 250));
      const before = cpu();
      const threads0 = threadCpuMs();
      const wall0 = performance.now();
      await new Promise((res) => setTimeout(res, 600));
      const used = cpu();
      const threads1 = threadCpuMs();
      const wallMs = performance.now() - wall0;
      const t = performance.now();
      await c.pause();
      const stopMs = performance.now() - t;
      return {
        processMs: (used.user - before.user + used.system - before.system) / 1000,
        // The workers' own threads: what the share governs. Without /proc, the whole process.
        workers: threads0 && threads1 ? newThreadsCpuMs(threadsBefore, threads0, threads1) : null,
        wallMs,
        ops: Atomics.load(c.signals, SIG.OPS) - ops0,
        stopMs,
      };
    };
    const free = await measure(0);
    const shared = await measure(20);
    expect(free.ops).toBeGreaterThan(0);
    expect(shared.ops).toBeGreaterThan(0);
    const figures = `workers ${shared.workers?.ms} ms (process ${shared.processMs} ms) in ${shared.wallMs} ms; unlimited: workers ${free.workers?.ms} ms (process ${free.processMs} ms)`;
    console.log(`CPU with a 20 % share: ${figures}`);
    if (shared.workers) {
      // Three workers (the guest and two IOThreads) at 20 % each: 0.6 of a core, with a quarter more for slices that
      // overrun and a tick of /proc's 10 ms per thread. Unlimited, they take about 1.1 of the two cores here.
      expect(shared.workers.threads).toBeGreaterThanOrEqual(3);
      const budgetMs = 3 * 0.2 * shared.wallMs * 1.25 + 10 * shared.workers.threads;
      expect(shared.workers.ms, figures).toBeLessThan(budgetMs);
    } else {
      // The process also carries V8's helper threads, which collect the workers' garbage: about 0.4 of a core
      // more in this run, whatever the share.
      expect(shared.processMs, figures).toBeLessThan(shared.wallMs);
    }
    // A worker sleeping for its share wakes on STOP's notify rather than at the end of its pause.
    expect(shared.stopMs).toBeLessThan(500);
    expect(c.guestDone).toBe(false);
    expect(summarize(c.session.machine).errors).toEqual([]);
  }, 120_000);
});

describe('cpuSharePercent', () => {
  it('leaves one core to the page, and sets no limit when the others suffice or the count is unknown', () => {
    expect(cpuSharePercent(2, 3)).toBe(33);
    expect(cpuSharePercent(2, 1)).toBe(0);
    expect(cpuSharePercent(4, 3)).toBe(0);
    expect(cpuSharePercent(4, 5)).toBe(60);
    expect(cpuSharePercent(1, 2)).toBe(50);
    expect(cpuSharePercent(2, 20)).toBe(10);
    expect(cpuSharePercent(0, 3)).toBe(0);
    expect(cpuSharePercent(Number.NaN, 3)).toBe(0);
  });
});
