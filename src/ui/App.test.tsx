// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { builtinScenario } from '../engine/scenario/builtin';
import { Session } from '../engine/session';
import { App } from './App';
import { changeLanguage } from './i18n';
import { commandFor } from './layout/useKeyboard';
import { actions, simStore } from './store';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const step = () => screen.getByLabelText('current step', { exact: true }).textContent;
const value = (label: string) => screen.getByLabelText(label, { exact: true, selector: '*' }).textContent;
const button = (name: string) => screen.getByRole('button', { name, exact: true } as never);

beforeAll(async () => {
  await changeLanguage('en');
  await act(async () => {
    render(<App />);
  });
  await waitFor(() => expect(button('Step')).toHaveProperty('disabled', false));
});
afterAll(cleanup);

describe('App', () => {
  it('steps with the button and shows the values the engine computes', async () => {
    for (let i = 0; i < 17; i++)
      await act(async () => {
        fireEvent.click(button('Step'));
      });
    const session = new Session(builtinScenario('single-read')!, 1);
    for (let i = 0; i < 17; i++) session.forward();
    expect(step()).toBe('17');
    expect(value('avail.idx')).toBe(String(session.machine.driver.vqs[0]!.ring.availIdx()));
    expect(screen.getByTestId('step-explain').textContent).toBe(session.current!.explain);
    expect(screen.getByTestId('code-active-line').textContent).toMatch(/avail\.idx = /);
  });

  it('answers → and Space, but not while typing in a field', async () => {
    // (Back is covered by the browser tests: under jsdom, typed arrays from two realms trip the checkpoint code.)
    await act(async () => {
      fireEvent.keyDown(window, { key: 'ArrowRight' });
    });
    await waitFor(() => expect(step()).toBe('18'));

    const breakpoint = screen.getByRole('textbox', { name: 'Breakpoint' });
    await act(async () => {
      fireEvent.keyDown(breakpoint, { key: 'ArrowRight' });
    });
    expect(step()).toBe('18');

    actions.setSpeed(0);
    await act(async () => {
      fireEvent.keyDown(window, { key: ' ' });
    });
    await waitFor(() => expect(simStore.getState().playing).toBe(true));
    expect(button('Pause')).toBeTruthy();
    await act(async () => {
      fireEvent.keyDown(window, { key: ' ' });
      // Let the playback loop notice the pause inside act, so its last update is accounted for.
      await new Promise((r) => setTimeout(r, 50));
    });
    await waitFor(() => expect(simStore.getState().playing).toBe(false));
    expect(button('Play')).toBeTruthy();
  });

  it('maps keys to commands only outside controls that use them', () => {
    const key = (k: string, target: EventTarget | null = document.body, mods = {}) =>
      commandFor({ key: k, target, ctrlKey: false, metaKey: false, altKey: false, ...mods });
    expect(key('ArrowRight')).toBe('step');
    expect(key('ArrowLeft')).toBe('back');
    expect(key(' ')).toBe('togglePlay');
    expect(key('?')).toBe('help');
    expect(key('ArrowRight', document.body, { ctrlKey: true })).toBeNull();
    const slider = document.createElement('input');
    slider.type = 'range';
    expect(key('ArrowRight', slider)).toBeNull();
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(key('ArrowRight', box)).toBe('step');
    expect(key(' ', box)).toBeNull();
    expect(key(' ', document.createElement('button'))).toBeNull();
  });

  it('shows the device error with QEMU wording and resets from the panel', async () => {
    await act(async () => {
      await actions.selectScenario('bad-guest-looped-chain');
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Run to next error' }));
    });
    const panel = await screen.findByRole('alert', { name: 'The device needs a reset' } as never);
    expect(panel.textContent).toContain('Looped descriptor');
    expect(panel.textContent).toContain('2.7.5.2');
    await act(async () => {
      fireEvent.click(within(panel).getByRole('button', { name: 'Reset device and reload' }));
    });
    await waitFor(() => expect(screen.queryByRole('alert', { name: 'The device needs a reset' } as never)).toBeNull());
    expect(step()).toBe('0');
  });

  it('switches to Chinese and updates <html lang>', async () => {
    await act(async () => {
      await actions.setLanguage('zh-CN');
    });
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(screen.getByRole('button', { name: '单步前进' })).toBeTruthy();
    expect(localStorage.getItem('virtio-viz.language')).toBe('zh-CN');
    await act(async () => {
      await actions.setLanguage('en');
    });
    expect(document.documentElement.lang).toBe('en');
  });
});
