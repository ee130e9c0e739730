// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import { createSimStore } from '../store/store';
import { startUrlSync } from './urlSync';

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the address and a link opened while a write is pending', () => {
  let stop: (() => void) | null = null;
  afterEach(() => stop?.());

  it('opens the link instead of writing the old state over it, then follows the page again', async () => {
    history.replaceState(null, '', '/');
    const store = createSimStore({ client: new LocalClient(), scenarioName: 'single-read', seed: 1, language: 'en' });
    await store.getState().load();
    stop = startUrlSync(store);
    await until(() => location.hash.includes('s=single-read'));
    // A step schedules a write (debounced). The page is busy past its moment, and meanwhile another link is
    // opened: the write's timer now comes due before the hashchange event is delivered.
    await store.getState().step();
    const busyUntil = Date.now() + 400;
    while (Date.now() < busyUntil) {
      /* the page is busy */
    }
    location.hash = '#s=single-read&seed=1&step=5';
    await until(() => store.getState().sim?.view.step === 5);
    await new Promise((r) => setTimeout(r, 400));
    expect(store.getState().sim?.view.step).toBe(5);
    expect(location.hash).toContain('step=5');
    // And the address follows the page again afterwards.
    await store.getState().step();
    await until(() => location.hash.includes('step=6'));
  }, 15_000);

  it('opens a link pasted while the page was still opening the first one (before it listened)', async () => {
    history.replaceState(null, '', '/#s=single-read&seed=1&step=2');
    const opened = location.href;
    const store = createSimStore({ client: new LocalClient(), scenarioName: 'single-read', seed: 1, language: 'en' });
    await store.getState().load();
    // Pasted while the first address was still loading: no hashchange listener saw it.
    history.replaceState(null, '', '/#s=single-read&seed=1&step=9');
    stop = startUrlSync(store, opened);
    await until(() => store.getState().sim?.view.step === 9);
    await new Promise((r) => setTimeout(r, 400));
    expect(store.getState().sim?.view.step).toBe(9);
    expect(location.hash).toContain('step=9');
  }, 15_000);
});
