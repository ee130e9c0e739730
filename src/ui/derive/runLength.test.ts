import { describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import type { SimulationState } from '../../engine/client/types';
import { builtinScenario } from '../../engine/scenario/builtin';
import { nextRunLength, stepTotal } from './runLength';

/** Feeds states in order, as the page receives them, and returns the known length after each. */
function follow(states: SimulationState[]): (number | null)[] {
  let known: number | null = null;
  let prev: SimulationState | null = null;
  return states.map((s) => {
    known = nextRunLength(known, prev, s);
    prev = s;
    return known;
  });
}

describe('nextRunLength', () => {
  it('is unknown until the end is reached, then kept while stepping around the same run', async () => {
    const client = new LocalClient();
    const loaded = await client.load(builtinScenario('single-read')!, 1);
    const stepped = await client.step('write');
    const end = await client.runUntil('end');
    expect(end.view.ended).toBe('completed');
    const back = await client.jump(12);
    const again = await client.step('write');
    const known = follow([loaded, stepped, end, back, again]);
    expect(known.slice(0, 2)).toEqual([null, null]);
    expect(known.slice(2)).toEqual([end.view.step, end.view.step, end.view.step]);
    expect(back.timeline.length).toBe(end.view.step);
  });

  it('forgets the length when a new run is loaded, even of a longer scenario', async () => {
    const client = new LocalClient();
    await client.load(builtinScenario('single-read')!, 1);
    const end = await client.runUntil('end');
    const other = await client.load(builtinScenario('random-soak')!, 1);
    const stepped = [];
    for (let i = 0; i < 3; i++) stepped.push(await client.step('write'));
    expect(follow([end, other, ...stepped])).toEqual([end.view.step, null, null, null, null]);
  });

  it('starts again after a free-run pause: the timeline restarts there', async () => {
    const client = new LocalClient();
    await client.load(builtinScenario('single-read')!, 1);
    const end = await client.runUntil('end');
    // What a worker free-run's pause gives: the same machine, the step count and timeline started again.
    const paused: SimulationState = {
      ...end,
      origin: 'free-run',
      current: null,
      view: { ...end.view, step: 0 },
      timeline: { ...end.timeline, length: 0 },
    };
    const notEnded: SimulationState = { ...paused, view: { ...paused.view, ended: null } };
    expect(follow([end, paused])).toEqual([end.view.step, 0]);
    expect(follow([end, notEnded])).toEqual([end.view.step, null]);
  });

  it('records nothing from a state sampled while running', async () => {
    const client = new LocalClient();
    await client.load(builtinScenario('single-read')!, 1);
    const end = await client.runUntil('end');
    expect(follow([{ ...end, running: true }])).toEqual([null]);
  });
});

describe('stepTotal', () => {
  it('gives the run length once known', () => {
    expect(stepTotal(12, 40, 40, false)).toEqual({ kind: 'of', total: 40 });
  });
  it('gives how far stepping went when behind it and the end is unknown', () => {
    expect(stepTotal(12, 30, null, false)).toEqual({ kind: 'reached', reached: 30 });
  });
  it('gives no second number at the furthest step of a run not yet ended', () => {
    expect(stepTotal(0, 0, null, false)).toEqual({ kind: 'none' });
    expect(stepTotal(30, 30, null, false)).toEqual({ kind: 'none' });
  });
  it('never gives a total after a free-run (its steps count from the pause)', () => {
    expect(stepTotal(0, 0, 0, true)).toEqual({ kind: 'none' });
    expect(stepTotal(2, 5, 5, true)).toEqual({ kind: 'reached', reached: 5 });
  });
});
