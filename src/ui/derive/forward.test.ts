import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import type { SimulationState } from '../../engine/client/types';
import { builtinScenario } from '../../engine/scenario/builtin';
import type { RunTarget } from '../../engine/session';
import type { MachineView } from '../../engine/view';
import { forwardBlocked, forwardStateOf, type ForwardControl, type ForwardState } from './forward';

const TARGETS: RunTarget[] = ['kick', 'interrupt', 'completion', 'error', 'breakpoint', 'end'];
const CONTROLS: ForwardControl[] = ['step', 'play', 'freeRun', ...TARGETS.map((t) => `runTo.${t}` as const)];

const still = (ended: MachineView['ended']): ForwardState => ({
  view: { ended },
  playing: false,
  freeRunning: false,
  breakpointCount: 1,
});

describe('forwardBlocked', () => {
  it('blocks everything before a run is loaded', () => {
    const s: ForwardState = { view: null, playing: false, freeRunning: false, breakpointCount: 1 };
    for (const c of CONTROLS) expect(forwardBlocked(c, s)).toBe('not-loaded');
  });

  it('lets every forward control work while the run can move', () => {
    for (const c of CONTROLS) expect(forwardBlocked(c, still(null))).toBeNull();
  });

  it('blocks every forward control once the run has ended, however it ended', () => {
    for (const end of ['completed', 'device-error', 'driver-error', 'stalled'] as const) {
      for (const c of CONTROLS) expect(forwardBlocked(c, still(end)), `${c} at ${end}`).toBe('ended');
    }
  });

  it('keeps Pause and Stop free-run working, and the run-to buttons while a free-run goes on', () => {
    expect(forwardBlocked('play', { ...still('completed'), playing: true })).toBeNull();
    const freeRunning = { ...still('completed'), freeRunning: true };
    expect(forwardBlocked('freeRun', freeRunning)).toBeNull();
    expect(forwardBlocked('runTo.kick', freeRunning)).toBeNull();
  });

  it('needs a breakpoint for Run to next breakpoint, and says the end first', () => {
    expect(forwardBlocked('runTo.breakpoint', { ...still(null), breakpointCount: 0 })).toBe('no-breakpoints');
    expect(forwardBlocked('runTo.kick', { ...still(null), breakpointCount: 0 })).toBeNull();
    expect(forwardBlocked('runTo.breakpoint', { ...still('completed'), breakpointCount: 0 })).toBe('ended');
  });

  it('reads a store snapshot', () => {
    const s = forwardStateOf({
      sim: { view: { ended: 'stalled' } },
      playing: true,
      freeRunning: false,
      breakpoints: [1, 2],
    });
    expect(s).toEqual({ view: { ended: 'stalled' }, playing: true, freeRunning: false, breakpointCount: 2 });
    expect(forwardStateOf({ sim: null, playing: false, freeRunning: false, breakpoints: [] }).view).toBeNull();
  });
});

/**
 * The helper against the engine: at every kind of end a scenario can reach (stepping, a run-to, a free-run), a
 * control it blocks really does nothing, and where it lets one through, that control moves the run.
 */
describe('forwardBlocked agrees with what the engine does', () => {
  const raf = globalThis.requestAnimationFrame;
  beforeAll(() => {
    globalThis.requestAnimationFrame = (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0) as unknown as number;
  });
  afterAll(() => {
    globalThis.requestAnimationFrame = raf;
  });

  const blocked = (sim: SimulationState, c: ForwardControl) =>
    forwardBlocked(c, forwardStateOf({ sim, playing: false, freeRunning: false, breakpoints: [1] }));

  /** Where the run is: its step, how far its timeline reaches, and where step 0 is. */
  const where = (s: SimulationState) => [s.view.step, s.timeline.length, s.origin, s.view.ended];

  async function freeRun(client: LocalClient): Promise<SimulationState> {
    return new Promise((resolve) => {
      void client.play((sample) => {
        if (!sample.running) resolve(sample);
      });
    });
  }

  /** Tries every forward command from the client's present state, each from that same state. */
  async function triesEach(client: LocalClient, at: SimulationState): Promise<Map<ForwardControl, boolean>> {
    const moved = new Map<ForwardControl, boolean>();
    const again = () => client.jump(at.view.step);
    moved.set('step', (await client.step('write')).view.step !== at.view.step);
    await again();
    for (const t of TARGETS) {
      moved.set(`runTo.${t}`, (await client.runUntil(t)).view.step !== at.view.step);
      await again();
    }
    moved.set('freeRun', (await freeRun(client)).view.step !== at.view.step);
    return moved;
  }

  const cases: { name: string; reach: (c: LocalClient) => Promise<SimulationState>; ended: string | null }[] = [
    { name: 'single-read', reach: (c) => c.runUntil('end'), ended: 'completed' },
    { name: 'single-read', reach: (c) => freeRun(c), ended: 'completed' },
    { name: 'bad-guest-looped-chain', reach: (c) => c.runUntil('error'), ended: null },
    { name: 'bad-guest-looped-chain', reach: (c) => c.runUntil('end'), ended: 'device-error' },
    { name: 'bad-guest-missing-barrier', reach: (c) => c.runUntil('end'), ended: 'driver-error' },
    { name: 'bad-guest-lost-interrupt', reach: (c) => c.runUntil('end'), ended: 'stalled' },
  ];

  for (const { name, reach, ended } of cases) {
    it(`${name}, ${ended ?? 'after its first error'}`, async () => {
      const client = new LocalClient();
      await client.load(builtinScenario(name)!, 1);
      const at = await reach(client);
      expect(at.view.ended).toBe(ended);
      const moved = await triesEach(client, at);
      for (const [c, did] of moved) expect(blocked(at, c) === null, `${c}: moved ${did}`).toBe(did);
      // Where nothing moved, nothing changed either: the still state is the same run at the same place.
      if (ended !== null) expect(where(await client.jump(at.view.step))).toEqual(where(at));
    });
  }
});
