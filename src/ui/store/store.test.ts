import { describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import type { SimulationClient } from '../../engine/client/types';
import { Session } from '../../engine/session';
import { builtinScenario } from '../../engine/scenario/builtin';
import { createSimStore } from './store';

/** A LocalClient with some of its commands replaced. */
function withClient(local: LocalClient, replace: Partial<SimulationClient>): SimulationClient {
  return {
    load: (s, seed) => local.load(s, seed),
    step: (g) => local.step(g),
    back: (g) => local.back(g),
    jump: (k) => local.jump(k),
    runUntil: (t) => local.runUntil(t),
    setBreakpoints: (b) => local.setBreakpoints(b),
    play: (f) => local.play(f),
    pause: () => local.pause(),
    dispose: () => local.dispose(),
    ...replace,
  };
}

const make = (client: SimulationClient = new LocalClient()) =>
  createSimStore({ client, scenarioName: 'single-read', seed: 1, language: 'en' });

describe('sim store', () => {
  it('loads the chosen scenario and steps like the engine does', async () => {
    const store = make();
    await store.getState().load();
    expect(store.getState().sim?.view.step).toBe(0);
    for (let i = 0; i < 17; i++) await store.getState().step();

    const session = new Session(builtinScenario('single-read')!, 1);
    for (let i = 0; i < 17; i++) session.forward('write');
    const sim = store.getState().sim!;
    expect(sim.view.step).toBe(17);
    expect(sim.current?.explain).toBe(session.current?.explain);
    const written = sim.current!.writes.flatMap((w) => Array.from({ length: w.new.length / 2 }, (_, i) => w.addr + i));
    expect([...store.getState().changed].sort()).toEqual(written.sort());

    await store.getState().back();
    expect(store.getState().sim?.view.step).toBe(16);
  });

  it('steps a whole function at function granularity', async () => {
    const store = make();
    await store.getState().load();
    store.getState().setGranularity('function');
    await store.getState().step();
    await store.getState().step();
    const sim = store.getState().sim!;
    // virtblk_setup_cmd is one store; the next call, virtqueue_add_desc_split, writes descriptor 0 field by field.
    // Its next call (descriptor 1) is a step of its own: a function is a call, not a run of one label.
    expect(sim.current!.fn).toBe('virtqueue_add_desc_split');
    expect(sim.view.step).toBe(5);
    await store.getState().step();
    expect(store.getState().sim!.view.step).toBe(9);
    await store.getState().back();
    expect(store.getState().sim!.view.step).toBe(5);
    await store.getState().back();
    expect(store.getState().sim!.view.step).toBe(1);
  });

  it('refuses an invalid feature set with field-named problems and keeps the previous run', async () => {
    const store = make();
    await store.getState().load();
    await store.getState().step();
    await store.getState().setFeature('VERSION_1', false);
    expect(store.getState().problems.map((p) => p.path)).toContain('features');
    expect(store.getState().sim?.view.step).toBe(1);

    await store.getState().setFeature('VERSION_1', true);
    expect(store.getState().problems).toEqual([]);
    expect(store.getState().sim?.view.step).toBe(0);
  });

  it('applies a queue size override and reports a bad one', async () => {
    const store = make();
    await store.getState().setQueueSize(16);
    expect(store.getState().sim?.view.queues[0]?.size).toBe(16);
    await store.getState().setQueueSize(12);
    expect(store.getState().problems[0]?.path).toBe('queue.size');
  });

  it('parses breakpoints, shows the parser message for a bad one, and runs until one', async () => {
    const store = make();
    await store.getState().load();
    expect(await store.getState().addBreakpoint('avail.idx = 1')).toBe(false);
    expect(store.getState().breakpointError?.text).toMatch(/FIELD OP NUMBER/);
    expect(await store.getState().addBreakpoint('avail.idx == 1')).toBe(true);
    expect(store.getState().breakpointError).toBeNull();
    await store.getState().runUntil('breakpoint');
    const sim = store.getState().sim!;
    expect(sim.stopped).toBe('breakpoint');
    expect(sim.view.queues[0]!.avail.idx).toBe(1);
    await store.getState().removeBreakpoint(store.getState().breakpoints[0]!.id);
    expect(store.getState().breakpoints).toEqual([]);
  });

  it('plays animated steps until paused', async () => {
    const store = make();
    await store.getState().load();
    store.getState().setSpeed(6); // 50 ms
    const playing = store.getState().play();
    expect(store.getState().playing).toBe(true);
    await new Promise((r) => setTimeout(r, 180));
    await store.getState().pause();
    await playing;
    expect(store.getState().playing).toBe(false);
    const reached = store.getState().sim!.view.step;
    expect(reached).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 120));
    expect(store.getState().sim!.view.step).toBe(reached);
  });

  it('Pause during a step in flight shows Play again only once that step has landed', async () => {
    const local = new LocalClient();
    const gate: { release: (() => void) | null } = { release: null };
    // Each step waits until the test lets it through, so Pause can arrive while one is on its way.
    const slow = withClient(local, {
      step: (g) => new Promise<void>((release) => (gate.release = release)).then(() => local.step(g)),
    });
    const store = make(slow);
    await store.getState().load();
    store.getState().setSpeed(7);
    const playing = store.getState().play();
    while (gate.release === null) await new Promise((r) => setTimeout(r, 1));
    const paused = store.getState().pause();
    await new Promise((r) => setTimeout(r, 10));
    expect(store.getState().playing).toBe(true);
    gate.release();
    await paused;
    await playing;
    expect(store.getState().playing).toBe(false);
    expect(store.getState().sim!.view.step).toBe(1);
  });

  it('Play stops by itself at a breakpoint, names it, and goes on from there when played again', async () => {
    const store = make();
    await store.getState().load();
    store.getState().setSpeed(7); // one step per frame
    expect(await store.getState().addBreakpoint('fn:virtqueue_notify')).toBe(true);
    await store.getState().play();
    const sim = store.getState().sim!;
    expect(store.getState().playing).toBe(false);
    expect(sim.stopped).toBe('breakpoint');
    expect(sim.current!.fn).toBe('virtqueue_notify');
    expect(store.getState().hitBreakpoint).toBe(store.getState().breakpoints[0]!.id);
    // Played again, it runs on to the end of the run (virtqueue_notify does not run again) and stops there.
    await store.getState().play();
    const end = store.getState().sim!;
    expect(end.stopped).toBe('end');
    expect(end.view.ended).toBe('completed');
    expect(store.getState().hitBreakpoint).toBeNull();
  });

  it('shows the end of the run at the last step, before another step is tried', async () => {
    const store = make();
    await store.getState().load();
    const total = new Session(builtinScenario('single-read')!, 1);
    total.runUntil('end');
    for (let i = 0; i < total.step - 1; i++) await store.getState().step();
    expect(store.getState().sim!.view.ended).toBeNull();
    await store.getState().step();
    expect(store.getState().sim!.view.step).toBe(total.step);
    expect(store.getState().sim!.view.ended).toBe('completed');
    expect(store.getState().sim!.stopped).toBe('end');
  });

  it('refuses a breakpoint the loaded run can never hit', async () => {
    const store = make();
    await store.getState().load();
    expect(await store.getState().addBreakpoint('vq1.num_free == 0')).toBe(false);
    expect(store.getState().breakpointError?.text).toMatch(/only vq0/);
    expect(await store.getState().addBreakpoint('watch:0x7fffffff')).toBe(false);
    expect(store.getState().breakpointError?.text).toMatch(/past the end of guest memory/);
    expect(store.getState().breakpoints).toEqual([]);
  });

  it('shows a rejected command as the last error and stops playback', async () => {
    const local = new LocalClient();
    const failing = withClient(local, { step: () => Promise.reject(new Error('the worker died')) });
    const store = make(failing);
    await store.getState().load();
    await store.getState().play();
    expect(store.getState().lastError).toBe('the worker died');
    expect(store.getState().playing).toBe(false);
    await store.getState().load();
    expect(store.getState().lastError).toBeNull();
  });

  it('follows the queue the step works on until the user pins one', async () => {
    const store = createSimStore({
      client: new LocalClient(),
      scenarioName: 'two-queues-two-iothreads',
      language: 'en',
    });
    await store.getState().load();
    while (store.getState().sim!.current?.queue !== 1) await store.getState().step();
    expect(store.getState().queueIndex).toBe(1);
    store.getState().setQueueIndex(0);
    expect(store.getState().followQueue).toBe(false);
    await store.getState().step();
    expect(store.getState().queueIndex).toBe(0);
    store.getState().setFollowQueue(true);
    while (store.getState().sim!.current?.queue !== 1) await store.getState().step();
    expect(store.getState().queueIndex).toBe(1);
  });
});
