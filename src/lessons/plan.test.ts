import { describe, expect, it } from 'vitest';
import { LessonPlanError, planLesson } from './plan';
import type { Lesson, Stop } from './types';

const lesson = (stops: Stop[], name = 'single-read'): Lesson => ({ id: 'test', scenario: { name }, stops });
const at = (stops: Stop[]) => planLesson(lesson(stops)).map((p) => p.step);
const stop = (id: string, target: Stop['target'], extra: Partial<Stop> = {}): Stop => ({
  id,
  target,
  highlight: [],
  ...extra,
});

describe('planLesson', () => {
  it('resolves each kind of target from the previous stop, with the engine', () => {
    // single-read: step 18 is the kick, 22 the pop, 32 used.idx = 1, 34 the interrupt (records 0-based).
    expect(
      at([
        stop('a', { start: true }),
        stop('b', { steps: 3 }),
        stop('c', { run: 'kick' }),
        stop('d', { event: 'popped' }),
        stop('e', { when: 'used.idx == 1' }),
        stop('f', { fn: 'virtqueue_get_buf_ctx_split' }),
        stop('g', { run: 'end' }),
      ]),
    ).toEqual([0, 3, 19, 23, 33, 36, 40]);
  });

  it('adds `then` steps and repeats `times`', () => {
    expect(at([stop('a', { start: true }), stop('b', { run: 'kick', then: 2 })])).toEqual([0, 21]);
    const batch = planLesson(lesson([stop('a', { run: 'completion', times: 3 })], 'write-batch-event-idx'));
    const once = planLesson(lesson([stop('a', { run: 'completion' })], 'write-batch-event-idx'));
    expect(batch[0]!.step).toBeGreaterThan(once[0]!.step);
  });

  it('starts a stop that names another scenario from that scenario’s step 0', () => {
    const plan = planLesson(
      lesson([stop('a', { run: 'end' }), stop('b', { start: true }, { scenario: { name: 'indirect', seed: 3 } })]),
    );
    expect(plan.map((p) => [p.scenario, p.seed, p.step])).toEqual([
      ['single-read', 1, 40],
      ['indirect', 3, 0],
    ]);
  });

  it('reports a stop the run never reaches, naming the lesson and the stop', () => {
    const bad = [
      stop('never', { when: 'avail.idx == 7' }),
      stop('past-end', { steps: 1000 }),
      stop('no-fn', { fn: 'no_such_function' }),
      stop('no-event', { event: 'ring-full' }),
      stop('no-kick', { run: 'kick', times: 5 }),
    ];
    for (const s of bad) expect(() => planLesson(lesson([s])), s.id).toThrow(LessonPlanError);
    expect(() => planLesson(lesson([stop('x', { steps: 1000 })]))).toThrow(/lesson test, stop x/);
    expect(() => planLesson(lesson([stop('a', { steps: 2 }), stop('b', { start: true })]))).toThrow(/start/);
    expect(() => planLesson(lesson([stop('a', { start: true })], 'no-such-scenario'))).toThrow(/no built-in/);
  });

  it('shows each stop’s state to onStop', () => {
    const seen: number[] = [];
    planLesson(lesson([stop('a', { start: true }), stop('b', { when: 'avail.idx == 1' })]), {
      onStop: (_, view) => seen.push(view.queues[0]!.avail.idx),
    });
    expect(seen).toEqual([0, 1]);
  });
});
