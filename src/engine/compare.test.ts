import { describe, expect, it } from 'vitest';
import { IDE_TRAPS, compareRuns, emulatedTraps, type QueueRun } from './compare';
import { builtinScenario } from './scenario/builtin';
import type { Scenario } from './scenario/schema';
import { validateScenario } from './scenario/validate';

const scenario = (name: string): Scenario => {
  const s = builtinScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};

const pair = (a: string, b: string) => [
  { label: a, scenario: scenario(a) },
  { label: b, scenario: scenario(b) },
];

describe('compareRuns', () => {
  it.each(['threads', 'step'] as const)('EVENT_IDX needs no more kicks or interrupts than the flags (%s)', (mode) => {
    for (const [flags, eventIdx] of [
      ['lesson-event-idx-flags', 'lesson-event-idx'],
      ['write-batch-flags', 'write-batch-event-idx'],
    ] as const) {
      for (const seed of [1, 2, 3]) {
        const [f, e] = compareRuns(pair(flags, eventIdx), seed, { mode });
        expect(f!.end).toBe('completed');
        expect(e!.end).toBe('completed');
        expect(e!.completed).toBe(f!.completed);
        expect(e!.kicks).toBeLessThanOrEqual(f!.kicks);
        expect(e!.interrupts).toBeLessThanOrEqual(f!.interrupts);
        // Every decision is either a notification or a suppressed one.
        expect(e!.kicks + e!.kicksSuppressed).toBe(f!.kicks + f!.kicksSuppressed);
        expect(e!.interrupts).toBeLessThan(f!.interrupts);
      }
    }
  });

  it('stepped as the lesson steps it, the flags save some notifications and EVENT_IDX more', () => {
    const [f, e] = compareRuns(pair('lesson-event-idx-flags', 'lesson-event-idx'), 1, { mode: 'step' });
    // The flags hold notifications back while the other side is in its handler: NO_NOTIFY while the IOThread
    // drains, NO_INTERRUPT while virtblk_done collects.
    expect(f!.kicksSuppressed).toBeGreaterThan(0);
    expect(f!.interruptsSuppressed).toBeGreaterThan(0);
    expect(e!.kicks).toBeLessThan(f!.kicks);
    expect(e!.interrupts).toBeLessThan(f!.interrupts);
  });

  it('one IOThread per queue beats one IOThread for four queues in throughput and latency', () => {
    for (const seed of [1, 9]) {
      const [shared, perQueue] = compareRuns(pair('lesson-multiqueue-shared', 'lesson-multiqueue-per-queue'), seed);
      expect(shared!.completed).toBe(24);
      expect(perQueue!.completed).toBe(24);
      expect(perQueue!.throughput).toBeGreaterThan(shared!.throughput);
      expect(perQueue!.duration).toBeLessThan(shared!.duration);
      expect(perQueue!.meanLatency).toBeLessThan(shared!.meanLatency);
      expect(perQueue!.queues.map((q) => q.completed)).toEqual([6, 6, 6, 6]);
      expect(shared!.queues).toHaveLength(4);
    }
  });

  it('per-queue figures add up to the totals', () => {
    const [r] = compareRuns([{ label: 'mq', scenario: scenario('lesson-multiqueue-per-queue') }], 4);
    const sum = (f: (q: QueueRun) => number) => r!.queues.reduce((n, q) => n + f(q), 0);
    expect(sum((q) => q.completed)).toBe(r!.completed);
    expect(sum((q) => q.interrupts)).toBe(r!.interrupts);
    expect(sum((q) => q.interruptsSuppressed)).toBe(r!.interruptsSuppressed);
    expect(sum((q) => q.kicks)).toBe(r!.kicks);
    expect(r!.p95Latency).toBeGreaterThanOrEqual(r!.meanLatency);
    expect(r!.throughput).toBeCloseTo((r!.completed * 1000) / r!.duration);
  });

  it('is deterministic: the same scenarios and seed give the same figures', () => {
    const entries = [
      ...pair('lesson-free-list', 'out-of-order'),
      { label: 'mq', scenario: scenario('lesson-multiqueue-shared') },
    ];
    for (const mode of ['threads', 'step'] as const) {
      expect(JSON.stringify(compareRuns(entries, 11, { mode }))).toBe(
        JSON.stringify(compareRuns(entries, 11, { mode })),
      );
    }
    // Random completion order follows the seed.
    const a = compareRuns(pair('lesson-free-list', 'out-of-order'), 1);
    const b = compareRuns(pair('lesson-free-list', 'out-of-order'), 2);
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });

  it('reports how a faulty run ends', () => {
    const runs = compareRuns(
      [
        { label: 'leak', scenario: scenario('bad-guest-leaked-descriptor') },
        { label: 'wrap', scenario: scenario('bad-guest-index-no-wrap') },
        { label: 'irq', scenario: scenario('bad-guest-lost-interrupt') },
      ],
      7,
    );
    expect(runs.map((r) => r.end)).toEqual(['stalled', 'device-error', 'stalled']);
    expect(runs[2]!.interruptsLost).toBe(1);
  });

  it('the paravirtual batch traps far less than the modelled emulated disk', () => {
    const [r] = compareRuns([{ label: 'pv', scenario: scenario('lesson-paravirt') }], 1, { mode: 'step' });
    expect(r!.completed).toBe(8);
    expect(r!.kicks).toBe(1);
    expect(r!.emulated.traps).toBe(8 * 13);
    expect(r!.emulated.traps).toBeGreaterThan(50 * r!.kicks);
  });
});

describe('emulatedTraps (a model of legacy IDE with bus-master DMA)', () => {
  const make = (ops: unknown[]): Scenario => {
    const r = validateScenario({ version: 1, name: 'x', title: 'x', workload: { ops } });
    if (!r.ok) throw new Error('bad test scenario');
    return r.scenario;
  };

  it('costs 13 traps and one interrupt per command', () => {
    const per = IDE_TRAPS.taskfileWrites + IDE_TRAPS.busMasterSetup + IDE_TRAPS.completion;
    expect(per).toBe(13);
    expect(emulatedTraps(make([{ op: 'read', sectors: 8, count: 3 }]))).toEqual({
      model: 'ide-lba28-bmdma',
      commands: 3,
      traps: 39,
      interrupts: 3,
      trapsPerRequest: 13,
    });
  });

  it('splits a request over 256 sectors into several commands; a flush is 3 traps', () => {
    const t = emulatedTraps(make([{ op: 'write', sectors: 600 }, { op: 'flush' }]));
    expect(t.commands).toBe(3 + 1);
    expect(t.traps).toBe(3 * 13 + 3);
    expect(t.trapsPerRequest).toBe(21);
  });

  it('follows a random workload with its seed', () => {
    const sc = scenario('random-soak');
    expect(emulatedTraps(sc, 1).commands).toBe(4000);
    expect(emulatedTraps(sc, 1)).toEqual(emulatedTraps(sc, 1));
  });
});
