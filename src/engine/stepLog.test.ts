import { describe, expect, it } from 'vitest';
import { Machine } from './machine/machine';
import { builtinScenario } from './scenario/builtin';
import type { ActorId, StepEvent, StepRecord } from './step';
import { STEP_FLAG, StepLog, flagsOf } from './stepLog';
import { stepRecord } from './testing/stepRecord';

const step = (
  index: number,
  over: Partial<StepRecord> & { events?: StepEvent[] } = {},
  fn = 'virtqueue_add_split',
  actor: ActorId = 'vcpu0',
): StepRecord => stepRecord({ index, actor, fn, ...over });

describe('flagsOf', () => {
  it('sets one bit per kind of step and event', () => {
    expect(flagsOf(step(0, { kind: 'write' }))).toBe(STEP_FLAG.write);
    expect(flagsOf(step(0, { kind: 'barrier', events: [{ type: 'barrier', kind: 'virtio_wmb' }] }))).toBe(
      STEP_FLAG.barrier,
    );
    const cases: [StepEvent, number][] = [
      [{ type: 'kick', queue: 0 }, STEP_FLAG.kick],
      [{ type: 'kick-suppressed', queue: 0 }, STEP_FLAG.kickSuppressed],
      [{ type: 'interrupt', queue: 0 }, STEP_FLAG.interrupt],
      [{ type: 'interrupt-suppressed', queue: 0 }, STEP_FLAG.interruptSuppressed],
      [{ type: 'completed', request: 0, status: 0, queue: 0 }, STEP_FLAG.completion],
      [{ type: 'kick-lost', queue: 0 }, STEP_FLAG.lost],
      [{ type: 'interrupt-lost', queue: 0 }, STEP_FLAG.lost],
      [{ type: 'ring-full', queue: 0 }, STEP_FLAG.ringFull],
      [{ type: 'noop' }, 0],
      [{ type: 'popped', request: 0, head: 0, queue: 0 }, 0],
    ];
    for (const [event, flag] of cases) expect(flagsOf(step(0, { events: [event] })), event.type).toBe(flag);
    const error = { type: 'error', error: { message: 'x' } } as unknown as StepEvent;
    expect(flagsOf(step(0, { events: [error, { type: 'kick', queue: 1 }] }))).toBe(STEP_FLAG.error | STEP_FLAG.kick);
  });
});

describe('StepLog', () => {
  it('keeps who moved, in which call of which function, and what happened, for every step', () => {
    const log = new StepLog();
    log.record(step(0, { call: 1 }, 'virtqueue_add_split', 'vcpu0'));
    log.record(step(1, { call: 1, kind: 'write' }, 'virtqueue_add_split', 'vcpu0'));
    log.record(step(2, { call: 1, events: [{ type: 'kick', queue: 0 }] }, 'virtqueue_notify', 'vcpu0'));
    log.record(step(3, { call: 2 }, 'virtqueue_split_pop', 'iothread0'));
    expect(log.length).toBe(4);
    expect([0, 1, 2, 3].map((i) => log.fn(i))).toEqual([
      'virtqueue_add_split',
      'virtqueue_add_split',
      'virtqueue_notify',
      'virtqueue_split_pop',
    ]);
    expect([0, 1, 2, 3].map((i) => log.actor(i))).toEqual(['vcpu0', 'vcpu0', 'vcpu0', 'iothread0']);
    expect([0, 1, 2, 3].map((i) => log.call(i))).toEqual([1, 1, 1, 2]);
    expect(log.flag(1)).toBe(STEP_FLAG.write);
    expect(log.flag(2)).toBe(STEP_FLAG.kick);
    // Names are interned once.
    expect(log.fnNames).toEqual(['virtqueue_add_split', 'virtqueue_notify', 'virtqueue_split_pop']);
    expect(log.actorNames).toEqual(['vcpu0', 'iothread0']);
  });

  it('ignores a replayed step and refuses a gap', () => {
    const log = new StepLog();
    log.record(step(0));
    log.record(step(1, { kind: 'write' }));
    log.record(step(0, { events: [{ type: 'kick', queue: 0 }] }));
    expect(log.length).toBe(2);
    expect(log.flag(0)).toBe(0);
    expect(() => log.record(step(3))).toThrow('step log: step 3 arrived after 1');
  });

  it('finds where a function began: the same call and the same function, no further', () => {
    const log = new StepLog();
    const plan: [number, string][] = [
      [1, 'a'],
      [1, 'a'],
      [1, 'b'],
      [1, 'b'],
      [1, 'a'],
      [2, 'a'],
      [2, 'a'],
    ];
    plan.forEach(([call, fn], i) => log.record(step(i, { call }, fn)));
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => log.functionStart(i))).toEqual([0, 0, 2, 2, 4, 5, 5]);
  });

  it('finds the last step with an event before a step, and every one in a range', () => {
    const log = new StepLog();
    const done: StepEvent = { type: 'completed', request: 0, status: 0, queue: 0 };
    for (let i = 0; i < 10; i++) log.record(step(i, { events: i % 3 === 1 ? [done] : [] }));
    expect(log.lastWith(STEP_FLAG.completion, 10)).toBe(7);
    expect(log.lastWith(STEP_FLAG.completion, 7)).toBe(4);
    expect(log.lastWith(STEP_FLAG.completion, 1)).toBe(-1);
    expect(log.lastWith(STEP_FLAG.completion, 1000)).toBe(7);
    expect(log.lastWith(STEP_FLAG.kick, 10)).toBe(-1);
    expect(log.find(STEP_FLAG.completion)).toEqual([1, 4, 7]);
    expect(log.find(STEP_FLAG.completion, 2, 8)).toEqual([4, 7]);
    expect(log.find(STEP_FLAG.completion, 0, 100, 2)).toEqual([1, 4]);
  });

  it('grows past its first capacity at 9 bytes a step', () => {
    const log = new StepLog();
    expect(log.bytes).toBe(1024 * 9);
    for (let i = 0; i < 5000; i++) log.record(step(i, { call: i >> 2 }, `f${i % 3}`));
    expect(log.length).toBe(5000);
    expect(log.bytes).toBe(8192 * 9);
    expect(log.call(4999)).toBe(4999 >> 2);
    expect(log.fn(4999)).toBe(`f${4999 % 3}`);
  });

  it('agrees with the records of a real run', () => {
    const m = new Machine({ scenario: builtinScenario('write-batch-event-idx')!, seed: 1 });
    const log = new StepLog();
    const records: StepRecord[] = [];
    for (let r = m.step(); r !== null; r = m.step()) {
      log.record(r);
      records.push(r);
    }
    expect(log.length).toBe(records.length);
    records.forEach((r, i) => {
      expect(log.call(i)).toBe(r.call);
      expect(log.fn(i)).toBe(r.fn);
      expect(log.actor(i)).toBe(r.actor);
      expect(log.flag(i)).toBe(flagsOf(r));
    });
    const kicks = records.filter((r) => r.events.some((e) => e.type === 'kick')).map((r) => r.index);
    expect(log.find(STEP_FLAG.kick)).toEqual(kicks);
    expect(kicks.length).toBe(m.counters.kicks);
    expect(log.find(STEP_FLAG.completion)).toHaveLength(16);
  });
});
