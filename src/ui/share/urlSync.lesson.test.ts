// @vitest-environment jsdom
import { afterAll, describe, expect, it } from 'vitest';
import { lessonById } from '../../lessons/catalog';
import { planLesson } from '../../lessons/plan';
import i18n from '../i18n';
import { lessonPlaceStore, loadLessons } from '../lessons/lessonGate';
import { simStore } from '../store';
import { shareStore } from './shareStore';
import { openFromUrl, startUrlSync } from './urlSync';

const until = async (what: () => boolean, ms = 8000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const hashParams = () => new URLSearchParams(location.hash.slice(1));
const step = () => simStore.getState().sim?.view.step;
const plan = planLesson(lessonById('journey')!);

/** The app's own stores, in one page's order: a link opened at start, then the address kept in step. */
describe('the address and the lesson open on the page', () => {
  let stop: (() => void) | null = null;
  afterAll(() => stop?.());

  it('opens a link without a lesson as before, without loading the lessons', async () => {
    history.replaceState(null, '', '/#s=single-read&seed=1&step=3');
    await openFromUrl(simStore);
    expect(step()).toBe(3);
    expect(shareStore.getState().notice).toBeNull();
    expect(i18n.hasResourceBundle('en', 'lessons')).toBe(false);
    expect(lessonPlaceStore.getState().place).toBeNull();
    stop = startUrlSync(simStore);
    await new Promise((r) => setTimeout(r, 400));
    expect(location.hash).toBe('#s=single-read&seed=1&step=3');
    expect(i18n.hasResourceBundle('en', 'lessons')).toBe(false);
  });

  it('opens a linked lesson at its stop, with the simulation where the link put it, and follows the lesson', async () => {
    // Taken after the teacher stepped 2 past stop 3.
    const at = plan[2]!.step + 2;
    location.hash = `#s=${plan[2]!.scenario}&seed=${plan[2]!.seed}&step=${at}&lesson=journey&stop=3`;
    await until(() => lessonPlaceStore.getState().place?.stop === 3 && step() === at);
    const lessons = await loadLessons();
    expect(lessons.lessonStore.getState()).toMatchObject({ lessonId: 'journey', index: 2, phase: 'shown' });
    expect(i18n.hasResourceBundle('en', 'lessons')).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(hashParams().get('lesson')).toBe('journey');
    expect(hashParams().get('step')).toBe(String(at));

    // Next: stop 4 asks first, at stop 3's state; the address says so.
    await lessons.lessonActions.next();
    await until(() => hashParams().get('stop') === '4');
    await until(() => hashParams().get('step') === String(plan[2]!.step));
    expect(hashParams().get('ask')).toBe('1');
  }, 20_000);

  it('refuses a link naming a lesson or stop that does not exist, and changes nothing', async () => {
    const before = location.hash;
    for (const [bad, where, code] of [
      ['lesson=jurney&stop=1', 'lesson', 'unknown-lesson'],
      ['lesson=journey&stop=99', 'stop', 'no-such-stop'],
    ] as const) {
      location.hash = `#s=single-read&seed=1&step=1&${bad}`;
      await until(() => shareStore.getState().notice !== null);
      expect(shareStore.getState().notice).toMatchObject({
        kind: 'error',
        title: 'notice.badLink',
        problems: [{ where, code }],
      });
      await until(() => location.hash === before);
      expect(hashParams().get('stop')).toBe('4');
      expect(step()).toBe(plan[2]!.step);
      shareStore.setState({ notice: null });
    }
    const lessons = await loadLessons();
    expect(lessons.lessonStore.getState()).toMatchObject({ lessonId: 'journey', index: 3, phase: 'ask' });
  }, 20_000);

  it('a link without a lesson closes the open one; closing a lesson takes it out of the address', async () => {
    location.hash = '#s=single-read&seed=1&step=2';
    await until(() => lessonPlaceStore.getState().place === null && step() === 2);
    await new Promise((r) => setTimeout(r, 400));
    expect(location.hash).toBe('#s=single-read&seed=1&step=2');

    // A link with only a lesson (typed on a slide) takes the simulation to the stop.
    location.hash = '#lesson=journey&stop=2';
    await until(() => lessonPlaceStore.getState().place?.stop === 2);
    await until(() => step() === plan[1]!.step && simStore.getState().scenarioName === plan[1]!.scenario);
    await until(() => hashParams().get('s') === plan[1]!.scenario && hashParams().get('stop') === '2');

    (await loadLessons()).lessonActions.close();
    await until(() => !hashParams().has('lesson'));
    expect(hashParams().has('stop')).toBe(false);
    expect(hashParams().get('step')).toBe(String(plan[1]!.step));
  }, 20_000);
});
