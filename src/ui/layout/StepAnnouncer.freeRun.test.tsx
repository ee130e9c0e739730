// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { stateOf } from '../../engine/client/localClient';
import type { SimulationClient, SimulationState } from '../../engine/client/types';
import { Session } from '../../engine/session';
import { changeLanguage } from '../i18n';
import { actions, simStore } from '../store';
import { SPEEDS_MS } from '../store/speed';
import { StepAnnouncer } from './StepAnnouncer';

/**
 * A free-run as the workers do it (WorkerClient): samples while it runs, then a pause that starts the timeline again
 * where it stopped (Session.rebase), so the page is at step 0 "since the free-run" with no step record, just as it
 * may have been before the free-run began.
 */
class RebasingClient implements SimulationClient {
  private session: Session | null = null;
  private running = false;
  private get s(): Session {
    if (!this.session) throw new Error('no scenario loaded');
    return this.session;
  }
  private state(stopped: SimulationState['stopped'] = null) {
    return stateOf(this.s, this.running, stopped);
  }
  async load(scenario: Session['scenario'], seed: number) {
    this.session = new Session(scenario, seed);
    return this.state();
  }
  async step() {
    this.s.forward('write');
    return this.state(this.s.lastStop);
  }
  async back() {
    this.s.back('write');
    return this.state();
  }
  async jump(k: number) {
    this.s.jump(k);
    return this.state();
  }
  async runUntil(target: Parameters<Session['runUntil']>[0]) {
    return this.state(this.s.runUntil(target));
  }
  async setBreakpoints() {
    return this.state();
  }
  async play(onSample: (s: SimulationState) => void) {
    this.running = true;
    const tick = () => {
      if (!this.running) return;
      if (this.s.runUntil('end', 5) === 'end') {
        this.running = false;
        this.s.rebase();
        onSample(this.state('end'));
        return;
      }
      onSample(this.state());
      setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
  }
  async pause() {
    this.running = false;
    this.s.rebase();
    return this.state();
  }
  dispose() {
    this.running = false;
  }
}

let client: RebasingClient | null = null;
// The app's store is made when '../store' is first imported, before this file's classes exist: it gets a client that
// makes the RebasingClient on first use.
vi.mock('../store/client', () => ({
  createSimulationClient: () =>
    new Proxy({} as SimulationClient, {
      get: (_, key: keyof SimulationClient) => {
        client ??= new RebasingClient();
        return (client[key] as (...args: unknown[]) => unknown).bind(client);
      },
    }),
}));

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const said = () => screen.getByTestId('step-announcer').textContent;

beforeAll(async () => {
  await changeLanguage('en');
  render(<StepAnnouncer />);
});
afterAll(cleanup);

describe('StepAnnouncer after a free-run', () => {
  it('says where a free-run that reached the end left the run, not the step from before it', async () => {
    await act(() => actions.selectScenario('single-read'));
    await act(() => actions.step());
    await act(() => actions.step());
    expect(said()).toMatch(/^Step 2: /);
    await act(() => actions.freeRun());
    await waitFor(() => expect(simStore.getState().freeRunning).toBe(false));
    expect(simStore.getState().sim?.view.ended).toBe('completed');
    expect(said()).toBe(
      'Step 0 since the free-run: The free-run went to the end of the run. Requests completed: 1 of 1 · kicks: 1 · ' +
        'interrupts: 1. Nothing is left to step: Reset starts again.',
    );
  });

  it('says where a stopped free-run paused, even at step 0 again', async () => {
    await act(() => actions.selectScenario('random-soak'));
    await act(() => changeLanguage('zh-CN'));
    await act(() => actions.freeRun());
    await waitFor(() => expect(simStore.getState().sim?.running).toBe(true));
    await act(() => actions.stopFreeRun());
    expect(simStore.getState().sim?.current).toBeNull();
    expect(said()).toMatch(/^第 0 步（自由运行之后）：自由运行后暂停。/);
    await act(() => changeLanguage('en'));
    expect(said()).toMatch(/^Step 0 since the free-run: Paused after a free-run\. /);
  });

  it('keeps what it said while Play moves on from there', async () => {
    const before = said();
    actions.setSpeed(SPEEDS_MS.indexOf(0));
    let playing: Promise<void> = Promise.resolve();
    act(() => {
      playing = actions.play();
    });
    await waitFor(() => expect(simStore.getState().sim?.view.step).toBeGreaterThan(3));
    await act(() => actions.pause());
    await act(() => playing);
    expect(said()).toBe(before);
  });
});
