import { describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import { planLesson } from '../../lessons/plan';
import { lessonById } from '../../lessons/catalog';
import { createSimStore } from '../store/store';
import { atStop, createLessonStore } from './lessonStore';

function setup() {
  const sim = createSimStore({ client: new LocalClient(), scenarioName: 'single-read', seed: 7, language: 'en' });
  const lessons = createLessonStore({ get: () => sim.getState(), actions: sim.getState() }, (key) => `[${key}]`);
  return { sim, lessons };
}

describe('lesson store', () => {
  it('moves the real simulation to each stop, and asks before revealing', async () => {
    const { sim, lessons } = setup();
    await sim.getState().load();
    const plan = planLesson(lessonById('journey')!);
    await lessons.getState().start('journey');
    const s = () => lessons.getState();
    expect(s().plan?.map((p) => p.step)).toEqual(plan.map((p) => p.step));
    // The lesson's scenario and seed replace what was on screen.
    expect(sim.getState().scenarioName).toBe('lesson-one-read');
    expect(sim.getState().seed).toBe(1);
    expect(atStop(sim.getState(), plan[0]!)).toBe(true);

    await s().next();
    await s().next();
    expect(sim.getState().sim?.view.step).toBe(plan[2]!.step);

    // Stop 3 asks which slot the head goes in: the simulation stays at stop 2 until the answer.
    await s().next();
    expect(s().index).toBe(3);
    expect(s().phase).toBe('ask');
    expect(sim.getState().sim?.view.step).toBe(plan[2]!.step);
    await s().answer(5);
    expect(s().phase).toBe('shown');
    expect(sim.getState().sim?.view.step).toBe(plan[3]!.step);
    expect(s().feedback).toEqual({ given: 5, answer: 0 });

    // Stepping away is noticed; resync goes back.
    await sim.getState().step();
    expect(atStop(sim.getState(), plan[3]!)).toBe(false);
    await s().resync();
    expect(atStop(sim.getState(), plan[3]!)).toBe(true);

    await s().previous();
    expect(s().index).toBe(2);
    expect(sim.getState().sim?.view.step).toBe(plan[2]!.step);
    s().close();
    expect(s().lessonId).toBeNull();
  });

  it('reveals without an answer, switches scenarios mid-lesson and measures a comparison', async () => {
    const { sim, lessons } = setup();
    await sim.getState().load();
    const s = () => lessons.getState();
    await s().start('notify');
    const plan = s().plan!;
    const compareAt = plan.findIndex((p) => p.stop.compare);
    while (s().index < compareAt) {
      if (s().phase === 'ask') await s().reveal();
      else await s().next();
    }
    expect(sim.getState().scenarioName).toBe(plan[compareAt]!.scenario);
    await new Promise((r) => setTimeout(r, 50));
    const c = s().comparison;
    expect(c?.status).toBe('done');
    if (c?.status !== 'done') return;
    expect(c.rows.map((r) => r.label)).toEqual(['[compare.label.flags]', '[compare.label.eventIdx]']);
    // The flags run needs more interrupts than EVENT_IDX for the same reads.
    expect(c.rows[0]!.interrupts).toBeGreaterThan(c.rows[1]!.interrupts);
  });

  it('ignores a lesson it does not know', async () => {
    const { lessons } = setup();
    await lessons.getState().start('no-such-lesson');
    expect(lessons.getState().lessonId).toBeNull();
  });
});
