import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from './builtin';
import { parseScenario, validateScenario } from './validate';

describe('scenario validation', () => {
  it('fills defaults for a minimal scenario', () => {
    const r = validateScenario({ version: 1, name: 'a', title: 'A', workload: { ops: [{ op: 'read' }] } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.queue).toEqual({ size: 8, count: 1, startIndex: 0 });
    expect(r.scenario.workload.ops[0]).toEqual({ op: 'read', sector: 0, sectors: 8, count: 1, queue: 0, think: 0 });
  });

  it('names every bad field', () => {
    const r = validateScenario({
      version: 2,
      name: 'Bad Name',
      title: 'x',
      queue: { size: 3 },
      workload: { ops: [{ op: 'read', bogus: 1 }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['version', 'name', 'queue.size', 'workload.ops.0']));
    expect(r.problems.find((p) => p.path === 'queue.size')?.message).toBe('must be a power of 2');
  });

  it('rejects a queue that does not exist and IOThreads without queues', () => {
    const r = validateScenario({
      version: 1,
      name: 'a',
      title: 'A',
      device: { iothreads: 2 },
      workload: { ops: [{ op: 'read', queue: 1 }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toEqual(['workload.ops.0.queue', 'device.iothreads']);
  });

  it('reports bad JSON as a problem, not an exception', () => {
    const r = parseScenario('{ "version": 1, ');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.message).toMatch(/^not valid JSON/);
  });

  it('needs a workload', () => {
    const r = validateScenario({ version: 1, name: 'a', title: 'A', workload: {} });
    expect(r.ok).toBe(false);
  });

  it('ships the scenarios the issue names, all valid and uniquely named', () => {
    const names = BUILTIN_SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [
      'single-read',
      'write-batch-event-idx',
      'write-batch-flags',
      'ring-full',
      'index-wrap',
      'out-of-order',
      'indirect',
      'two-queues-one-iothread',
      'two-queues-two-iothreads',
      'bad-guest-looped-chain',
    ]) {
      expect(builtinScenario(n), n).toBeDefined();
    }
    expect(builtinScenario('index-wrap')?.queue.startIndex).toBe(65530);
  });
});
