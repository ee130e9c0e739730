import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import type { Scenario } from '../scenario/schema';
import { replay } from './replay';
import { replayJobSteps, runReplayJob } from './replayJob';
import { buildRunFile, type RunSettings } from './runFile';

const singleRead = builtinScenario('single-read')!;
const settings: RunSettings = {
  granularity: 'write',
  speed: 3,
  language: null,
  presenter: false,
  queue: null,
  breakpoints: [],
};
const end = replay(singleRead, 1, 1_000_000).reached;

describe('replay jobs', () => {
  it('reach: how far the run gets, at most upTo; progress counts every step', () => {
    const seen: number[] = [];
    expect(runReplayJob({ kind: 'reach', scenario: singleRead, seed: 1, upTo: 20 }, (n) => seen.push(n))).toEqual({
      kind: 'reach',
      reached: 20,
    });
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(runReplayJob({ kind: 'reach', scenario: singleRead, seed: 1, upTo: end + 50 })).toEqual({
      kind: 'reach',
      reached: end,
    });
  });

  it('reach: a scenario the machine cannot set up fails with its reason instead of throwing', () => {
    const broken: Scenario = { ...singleRead, queue: { ...singleRead.queue, size: 3 } };
    const r = runReplayJob({ kind: 'reach', scenario: broken, seed: 1, upTo: 5 });
    expect(r.kind).toBe('failed');
    expect(r.kind === 'failed' && r.message).toMatch(/\S/);
  });

  it('build and verify: the same file and verdicts as buildRunFile and verifyRunFile', () => {
    const input = { scenario: singleRead, seed: 1, step: 30, settings };
    const at = '2026-01-01T00:00:00.000Z';
    const built = runReplayJob({ kind: 'build', input, exportedAt: at });
    expect(built).toEqual({ kind: 'build', result: buildRunFile(input, at) });
    if (built.kind !== 'build' || !built.result.ok) throw new Error('build failed');
    const file = built.result.value;
    const progress: number[] = [];
    expect(runReplayJob({ kind: 'verify', file }, (n) => progress.push(n))).toEqual({ kind: 'verify', problem: null });
    expect(progress.at(-1)).toBe(30);

    const tampered = { ...file, log: file.log.map((e, i) => (i === 7 ? { ...e, fn: 'virtqueue_pop' } : e)) };
    const r = runReplayJob({ kind: 'verify', file: tampered });
    expect(r).toMatchObject({ kind: 'verify', problem: { path: 'log.7.fn' } });
  });

  it('counts the steps each job replays at most, for progress', () => {
    expect(replayJobSteps({ kind: 'reach', scenario: singleRead, seed: 1, upTo: 77 })).toBe(77);
    const input = { scenario: singleRead, seed: 1, step: 12, settings };
    expect(replayJobSteps({ kind: 'build', input, exportedAt: '' })).toBe(12);
    const built = buildRunFile(input);
    if (!built.ok) throw new Error('build failed');
    expect(replayJobSteps({ kind: 'verify', file: built.value })).toBe(12);
  });
});
