// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { changeLanguage } from '../i18n';
import { actions, simStore } from '../store';
import { SPEEDS_MS } from '../store/speed';
import { StepAnnouncer } from './StepAnnouncer';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const said = () => screen.getByTestId('step-announcer').textContent;

/** Every text the live region held, in order (what a screen reader is given). */
function record(): string[] {
  const out: string[] = [];
  const el = screen.getByTestId('step-announcer');
  new MutationObserver(() => out.push(el.textContent ?? '')).observe(el, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  return out;
}

beforeAll(async () => {
  await changeLanguage('en');
  render(<StepAnnouncer />);
  await act(() => actions.selectScenario('single-read'));
});
afterAll(cleanup);

describe('StepAnnouncer', () => {
  it('is a polite live region that stays quiet until the user moves', () => {
    const el = screen.getByTestId('step-announcer');
    expect(el.getAttribute('aria-live')).toBe('polite');
    expect(said()).toBe('');
  });

  it('says the step number and its sentence after a Step', async () => {
    await act(() => actions.step());
    // Step 1 stores an all-zero out_hdr over zeros, and says so.
    expect(said()).toBe(
      'Step 1: req 0 out_hdr: virtio_blk_outhdr written (type, ioprio, sector). It writes 0 over 0: that is what was ' +
        'there, so no value changes',
    );
    await act(() => actions.step());
    expect(said()).toBe('Step 2: vq0 descriptor 0: flags = NEXT');
  });

  it('says only where a Run-to stops, not the steps it passes', async () => {
    const texts = record();
    await act(() => actions.runUntil('kick'));
    expect(texts.filter((x) => x !== '')).toEqual([
      'Step 19: kick: the driver notifies the device that vq0 has new buffers',
    ]);
  });

  it('says a timeline jump', async () => {
    await act(() => actions.jump(25));
    expect(said()).toMatch(/^Step 25: /);
  });

  it('says nothing while Play runs, nor when it stops', async () => {
    const texts = record();
    actions.setSpeed(SPEEDS_MS.indexOf(0));
    await act(async () => {
      await actions.play();
    });
    expect(simStore.getState().sim?.view.ended).not.toBeNull();
    expect(texts).toEqual([]);
    expect(said()).toMatch(/^Step 25: /);
  });

  it('speaks the language on screen', async () => {
    await act(() => changeLanguage('zh-CN'));
    await act(() => actions.jump(1));
    expect(said()).toMatch(/^第 1 步：/);
    await act(() => changeLanguage('en'));
  });
});
