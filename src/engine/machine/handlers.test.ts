import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import type { StepRecord } from '../step';
import { Machine } from './machine';

const machine = (name: string, seed = 1) => new Machine({ scenario: builtinScenario(name)!, seed });

/** Steps to the end, with what each side's handler was doing just before each step. */
function walk(name: string, seed = 1) {
  const m = machine(name, seed);
  const out: { r: StepRecord; inDone: boolean[]; inHandler: boolean[] }[] = [];
  const queues = m.driver.vqs.length;
  for (;;) {
    const inDone = Array.from({ length: queues }, (_, q) => m.driver.inDone(q));
    const inHandler = Array.from({ length: queues }, (_, q) => m.device.inHandler(q));
    const r = m.step();
    if (r === null) break;
    out.push({ r, inDone, inHandler });
  }
  return { m, steps: out };
}

describe("each side's handler runs a part at a time, and the other side runs meanwhile", () => {
  it('with the flags only, a kick is skipped because NO_NOTIFY is set while the IOThread drains the ring', () => {
    const { steps } = walk('lesson-event-idx-flags');
    const skipped = steps.filter(({ r }) => r.message.key === 'kick.suppressed.noNotify');
    expect(skipped.length).toBeGreaterThan(0);
    // The IOThread was part way through its handler each time, with kicks off.
    for (const s of skipped) expect(s.inHandler[0]).toBe(true);
  });

  it('with the flags only, an interrupt is skipped because NO_INTERRUPT is set while virtblk_done collects', () => {
    const { steps } = walk('lesson-event-idx-flags');
    const skipped = steps.filter(({ r }) => r.message.key === 'interrupt.suppressed.noInterrupt');
    expect(skipped.length).toBeGreaterThan(0);
    for (const s of skipped) expect(s.inDone[0]).toBe(true);
  });

  it("a queue's submitter waits while virtblk_done holds its lock; an IOThread finishes its handler before its completions", () => {
    for (const name of [
      'lesson-event-idx-flags',
      'out-of-order',
      'two-queues-one-iothread',
      'ring-full',
      'index-wrap',
    ]) {
      const { m, steps } = walk(name);
      let interleaved = 0;
      for (const { r, inDone, inHandler } of steps) {
        if (r.actor.startsWith('vcpu')) expect(inDone[Number(r.actor.slice(4))], `${name} step ${r.index}`).toBe(false);
        if (r.actor.startsWith('iothread') && inHandler.some(Boolean))
          expect(r.fn, `${name} step ${r.index}`).not.toMatch(/^virtio_blk_(rw_complete|req_complete)$/);
        if (r.actor.startsWith('vcpu') && inHandler.some(Boolean)) interleaved++;
      }
      expect(m.ended, name).toBe('completed');
      if (name === 'lesson-event-idx-flags') expect(interleaved).toBeGreaterThan(0);
    }
  });

  it('a checkpoint taken with both handlers part way through restores them', () => {
    const m = machine('lesson-event-idx-flags');
    const copy = machine('lesson-event-idx-flags');
    let seen = 0;
    while (m.step() !== null) {
      if (!m.driver.inDone(0) && !m.device.inHandler(0)) continue;
      seen++;
      copy.restore(m.snapshot());
      expect(copy.driver.inDone(0)).toBe(m.driver.inDone(0));
      expect(copy.device.inHandler(0)).toBe(m.device.inHandler(0));
      expect(copy.saveStateJSON()).toBe(m.saveStateJSON());
    }
    expect(seen).toBeGreaterThan(10);
  });
});
