// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { lessonById } from '../../lessons/catalog';
import { planLesson } from '../../lessons/plan';
import { parseRunFile } from '../../engine/share/runFile';
import { lessonPlaceStore, loadLessons } from '../lessons/lessonGate';
import { simStore } from '../store';
import { exportRun, importRun } from './runTransfer';

const plan = planLesson(lessonById('journey')!);
const step = () => simStore.getState().sim?.view.step;
const place = () => lessonPlaceStore.getState().place;

/** A teacher's prepared run: saved inside a lesson, it reopens inside the lesson at the same stop. */
describe('run files and the lesson open on the page', () => {
  it('saves the open lesson and its stop, and reopens them with the run', async () => {
    const lessons = await loadLessons();
    await lessons.openLessonLink({ id: 'journey', stop: 3, ask: false }, true);
    expect(step()).toBe(plan[2]!.step);
    const saved = await exportRun(simStore);
    if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
    expect(saved.value.lesson).toEqual({ id: 'journey', stop: 3, ask: false });
    const text = JSON.stringify(saved.value);

    // Elsewhere: no lesson, another step.
    lessons.lessonActions.close();
    await simStore.getState().jump(1);
    expect(place()).toBeNull();

    const opened = await importRun(simStore, text);
    expect(opened.ok).toBe(true);
    expect(step()).toBe(plan[2]!.step);
    expect(place()).toEqual({ id: 'journey', stop: 3, ask: false });
    expect(lessons.lessonStore.getState()).toMatchObject({ lessonId: 'journey', index: 2, phase: 'shown' });
  }, 20_000);

  it('refuses an unknown lesson or stop by its field, and changes nothing', async () => {
    const saved = await exportRun(simStore);
    if (!saved.ok) throw new Error('export failed');
    const before = { step: step(), place: place() };
    for (const [lesson, path] of [
      [{ id: 'jurney', stop: 3, ask: false }, 'lesson.id'],
      [{ id: 'journey', stop: 99, ask: false }, 'lesson.stop'],
    ] as const) {
      const r = await importRun(simStore, JSON.stringify({ ...saved.value, lesson }));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems[0]!.path).toBe(path);
      expect({ step: step(), place: place() }).toEqual(before);
    }
  }, 20_000);

  it('a run saved without a lesson closes the open one; files from before lessons were saved still open', async () => {
    expect(place()).not.toBeNull();
    const saved = await exportRun(simStore);
    if (!saved.ok) throw new Error('export failed');
    const withoutLesson: Record<string, unknown> = { ...saved.value };
    delete withoutLesson.lesson;
    const r = await importRun(simStore, JSON.stringify(withoutLesson));
    expect(r.ok).toBe(true);
    expect(place()).toBeNull();
    expect(step()).toBe(saved.value.step);
  }, 20_000);

  it('checks the saved place itself: a stop counted from 1, a known shape', () => {
    const file = (lesson: unknown) =>
      JSON.stringify({
        format: 'virtio-visualizer-run',
        version: 1,
        scenario: { version: 1 },
        seed: 1,
        settings: { granularity: 'write', speed: 2, language: null, presenter: false, queue: null, breakpoints: [] },
        step: 0,
        lesson,
        log: [],
      });
    for (const [lesson, path] of [
      [{ id: 'journey', stop: 0, ask: false }, 'lesson.stop'],
      [{ id: '', stop: 1, ask: false }, 'lesson.id'],
      [{ id: 'journey', stop: 1 }, 'lesson.ask'],
      [{ id: 'journey', stop: 1, ask: false, extra: 1 }, 'lesson'],
    ] as const) {
      const r = parseRunFile(file(lesson));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems.map((p) => p.path)).toContain(path);
    }
  });
});
