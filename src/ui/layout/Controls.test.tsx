// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { changeLanguage } from '../i18n';
import { actions, simStore } from '../store';
import { Controls } from './Controls';

// The forward controls (Step, Play, Free-run, Run to…) against the end of a run, however it ended: each is disabled
// with the reason as its title exactly when pressing it could do nothing, and the live region says where the run is.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ENDED = 'The run has ended: nothing is left to run. Reset starts it again.';
const RUN_TO = ['kick', 'interrupt', 'completion', 'error', 'breakpoint', 'the end'].map((t) =>
  t === 'the end' ? 'Run to the end' : `Run to next ${t}`,
);
const FORWARD = ['Step', 'Play', 'Free-run', ...RUN_TO];

const button = (name: string) => screen.getByRole('button', { name, exact: true } as never) as HTMLButtonElement;
const said = () => screen.getByTestId('step-announcer').textContent;
const step = () => simStore.getState().sim?.view.step;

/** Name → [disabled, title] for every forward control. */
const forward = () => Object.fromEntries(FORWARD.map((n) => [n, [button(n).disabled, button(n).title]]));
const allEnded = () => Object.fromEntries(FORWARD.map((n) => [n, [true, ENDED]]));

async function open(name: string): Promise<void> {
  await act(() => actions.selectScenario(name));
  await waitFor(() => expect(button('Step').disabled).toBe(false));
}

async function click(name: string): Promise<void> {
  await act(async () => {
    fireEvent.click(button(name));
  });
}

beforeAll(async () => {
  await changeLanguage('en');
  await act(async () => {
    render(<Controls />);
  });
});
afterAll(cleanup);

describe('Controls at the end of a run', () => {
  it('while the run can move, every forward control works (Run to next breakpoint wants a breakpoint)', async () => {
    await open('single-read');
    const want = Object.fromEntries(FORWARD.map((n) => [n, [false, '']]));
    want['Run to next breakpoint'] = [true, 'Add a breakpoint first (the Breakpoint field).'];
    expect(forward()).toEqual(want);
    expect(screen.queryByTestId('run-ended')).toBeNull();
  });

  it('after Run to the end, disables every forward control with the reason, and Back still works', async () => {
    await click('Run to the end');
    await waitFor(() => expect(simStore.getState().sim?.view.ended).toBe('completed'));
    const end = step()!;
    expect(forward()).toEqual(allEnded());
    expect(screen.getByTestId('run-ended').textContent).toBe('The run has ended.');
    expect(button('Back').disabled).toBe(false);
    expect(said()).toMatch(new RegExp(`^Step ${end}, the last of the run: `));

    await click('Back');
    await waitFor(() => expect(step()).toBe(end - 1));
    expect(forward()['Run to next kick']).toEqual([false, '']);
    expect(screen.queryByTestId('run-ended')).toBeNull();
  });

  it('after stepping onto the last step, the same', async () => {
    await click('Step');
    await waitFor(() => expect(simStore.getState().sim?.view.ended).toBe('completed'));
    expect(forward()).toEqual(allEnded());
  });

  it('after a free-run that completes, the same, and the live region says where the run now stands', async () => {
    await open('single-read');
    for (let i = 0; i < 3; i++) await click('Step');
    await waitFor(() => expect(said()).toMatch(/^Step 3: /));
    await click('Free-run');
    await waitFor(() => expect(simStore.getState().freeRunning).toBe(false));
    const sim = simStore.getState().sim!;
    expect(sim.view.ended).toBe('completed');
    expect(forward()).toEqual(allEnded());
    // The page's own thread runs the free-run here (no workers under jsdom): its steps stay on the timeline.
    expect(said()).toMatch(new RegExp(`^Step ${sim.view.step}, the last of the run: `));
  });

  it('keeps keyboard focus in the controls when a focused run-to button turns off', async () => {
    await open('single-read');
    button('Run to the end').focus();
    await click('Run to the end');
    await waitFor(() => expect(button('Run to the end').disabled).toBe(true));
    expect(document.activeElement).toBe(button('Back'));
  });

  it('a device error (NEEDS_RESET) that leaves the driver steps to take: stepping goes on until the run ends', async () => {
    await open('bad-guest-looped-chain');
    await click('Run to next error');
    await waitFor(() => expect(simStore.getState().sim?.stopped).toBe('error'));
    expect(simStore.getState().sim?.view.ended).toBeNull();
    expect(forward()['Step']).toEqual([false, '']);
    const at = step()!;
    await click('Step');
    await waitFor(() => expect(step()).toBe(at + 1));

    await click('Run to next error');
    await waitFor(() => expect(simStore.getState().sim?.view.ended).toBe('device-error'));
    expect(forward()).toEqual(allEnded());
    expect(said()).toMatch(/^Step \d+, the last of the run: /);
  });

  it('says it in Chinese', async () => {
    await act(() => changeLanguage('zh-CN'));
    expect(screen.getByTestId('run-ended').textContent).toBe('运行已结束。');
    expect(screen.getByRole('button', { name: '运行到结束' }).getAttribute('title')).toBe(
      '运行已结束：没有可以继续运行的内容。按“重置”重新开始。',
    );
    expect(said()).toMatch(/^第 \d+ 步（本次运行的最后一步）：/);
    await act(() => changeLanguage('en'));
  });
});
