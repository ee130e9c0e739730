import { describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import { planLesson } from '../../lessons/plan';
import { lessonById } from '../../lessons/catalog';
import { createSimStore } from '../store/store';
import { askingAt, atStop, createLessonStore, placeOf } from './lessonStore';

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

  it('resumes at a stop as a link left it, moving the simulation only when asked to', async () => {
    const { sim, lessons } = setup();
    await sim.getState().load();
    const s = () => lessons.getState();
    const plan = planLesson(lessonById('journey')!);
    // Where the link put the simulation stays, even away from the stop (the teacher had stepped on).
    await sim.getState().jump(5);
    await s().resume('journey', 2, false, false);
    expect([s().lessonId, s().index, s().phase, s().moving]).toEqual(['journey', 2, 'shown', false]);
    expect(sim.getState().scenarioName).toBe('single-read');
    expect(sim.getState().sim?.view.step).toBe(5);
    expect(placeOf(s())).toEqual({ id: 'journey', stop: 3, ask: false });
    await s().resync();
    expect(atStop(sim.getState(), plan[2]!)).toBe(true);

    // A question waiting at stop 4 (index 3) waits again; `move` shows the stop before it, as Next would.
    await s().resume('journey', 3, true, true);
    expect([s().index, s().phase]).toEqual([3, 'ask']);
    expect(atStop(sim.getState(), plan[2]!)).toBe(true);
    expect(placeOf(s())).toEqual({ id: 'journey', stop: 4, ask: true });
    await s().reveal();
    expect(atStop(sim.getState(), plan[3]!)).toBe(true);

    // Asking where no question waits (or at the first stop, with nothing before it) just shows the stop.
    await s().resume('journey', 0, true, true);
    expect([s().index, s().phase]).toEqual([0, 'shown']);
    expect(atStop(sim.getState(), plan[0]!)).toBe(true);
    await s().resume('journey', plan.length + 5, false, false);
    expect(s().index).toBe(plan.length - 1);
    await s().resume('no-such-lesson', 1, false, true);
    expect(s().lessonId).toBe('journey');
    s().close();
    expect(placeOf(s())).toBeNull();
  });

  it('asks a stop that brings its own scenario over that scenario, from its start', async () => {
    const { sim, lessons } = setup();
    await sim.getState().load();
    const s = () => lessons.getState();
    await s().start('chains');
    const plan = s().plan!;
    const own = plan.findIndex((p, i) => i > 0 && p.stop.question && p.scenario !== plan[i - 1]!.scenario);
    expect(own).toBeGreaterThan(0);
    expect(plan[own]!.scenario).toBe('write-batch-event-idx');
    expect(askingAt(plan, own)).toEqual({ ...plan[own]!, step: 0 });
    // A question in the same run as the stop before it still waits at that stop.
    const same = plan.findIndex((p, i) => i > 0 && p.stop.question && p.scenario === plan[i - 1]!.scenario);
    expect(askingAt(plan, same)).toBe(plan[same - 1]);

    while (s().index < own) await s().next();
    expect(s().phase).toBe('ask');
    expect(sim.getState().scenarioName).toBe('write-batch-event-idx');
    expect(sim.getState().sim?.view.step).toBe(0);
    await s().reveal();
    expect(sim.getState().sim?.view.step).toBe(plan[own]!.step);
    // The write's used.len is 1 (the status byte), not the 4097 of the read shown at the stop before.
    expect(s().feedback?.answer).toBe(1);
  });

  it('ignores a lesson it does not know', async () => {
    const { lessons } = setup();
    await lessons.getState().start('no-such-lesson');
    expect(lessons.getState().lessonId).toBeNull();
  });
});
