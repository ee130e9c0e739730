import { describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import { builtinScenario } from '../../engine/scenario/builtin';
import { createSimStore } from '../store/store';
import { applyShareState, checkShareState, shareStateOf } from './applyShare';
import { exportRun, importRun, runFileName } from './runTransfer';
import { sameJson, sourceOf } from './scenarioSource';
import { decodeShareHash, encodeShareHash } from './urlCodec';

const make = () => createSimStore({ client: new LocalClient(), scenarioName: 'single-read', seed: 1, language: 'en' });

/** What the page shows that a shared state must reproduce. */
function shown(store: ReturnType<typeof make>) {
  const s = store.getState();
  const q = s.sim!.view.queues[s.queueIndex]!;
  return {
    step: s.sim!.view.step,
    availIdx: q.avail.idx,
    usedIdx: q.used.idx,
    desc: q.desc,
    fn: s.sim!.current?.fn ?? null,
    granularity: s.granularity,
    speed: s.speed,
    queueIndex: s.queueIndex,
    followQueue: s.followQueue,
    breakpoints: s.breakpoints.map((b) => b.text),
    scenario: s.scenario,
  };
}

describe('scenario source', () => {
  it('finds the built-in and the overrides behind a document', () => {
    const base = builtinScenario('single-read')!;
    expect(sourceOf(base)).toEqual({
      ref: { kind: 'builtin', name: 'single-read' },
      overrides: { queueSize: null, features: null },
    });
    expect(sourceOf({ ...base, queue: { ...base.queue, size: 16 } }).overrides).toEqual({
      queueSize: 16,
      features: null,
    });
    const edited = { ...base, title: 'my own' };
    expect(sourceOf(edited).ref).toEqual({ kind: 'inline', scenario: edited });
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});

describe('sharing a state through the store', () => {
  it('a link reopens the same step with the same values and settings', async () => {
    const a = make();
    await a.getState().load();
    a.getState().setGranularity('function');
    a.getState().setSpeed(5);
    await a.getState().addBreakpoint('used.idx == 1');
    for (let i = 0; i < 6; i++) await a.getState().step();
    const hash = await encodeShareHash(shareStateOf(a.getState()));
    expect(hash).toMatch(/^s=single-read&seed=1&step=\d+&g=function&sp=5&bp=used\.idx/);

    const b = make();
    await b.getState().load();
    const decoded = await decodeShareHash(hash);
    if (!decoded.ok || !decoded.state) throw new Error('link did not decode');
    expect((await checkShareState(decoded.state)).ok).toBe(true);
    await applyShareState(b, decoded.state);
    expect(shown(b)).toEqual(shown(a));
  });

  it('a custom scenario travels inline', async () => {
    const a = make();
    const custom = { ...builtinScenario('out-of-order')!, name: 'mine', title: 'Mine' };
    a.setState({ custom, scenarioName: 'mine' });
    await a.getState().load();
    await a.getState().jump(40);
    a.getState().setQueueIndex(0);
    const hash = await encodeShareHash(shareStateOf(a.getState()));
    expect(hash).toMatch(/^z=[A-Za-z0-9_-]+&seed=1&step=40&q=0$/);
    const b = make();
    const decoded = await decodeShareHash(hash);
    if (!decoded.ok || !decoded.state) throw new Error('link did not decode');
    await applyShareState(b, decoded.state);
    expect(shown(b)).toEqual(shown(a));
    expect(b.getState().custom).toEqual(custom);
  });

  it('a step past the end is refused before anything changes', async () => {
    const decoded = await decodeShareHash('s=single-read&seed=1&step=100000');
    if (!decoded.ok || !decoded.state) throw new Error('link did not decode');
    const checked = await checkShareState(decoded.state);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems[0]).toMatchObject({ param: 'step', code: 'past-end' });
  });
});

describe('run files through the store', () => {
  it('export then import gives the same state', async () => {
    const a = make();
    await a.getState().setQueueSize(16);
    await a.getState().jump(33);
    a.getState().setPresenter(true);
    const exported = await exportRun(a);
    if (!exported.ok) throw new Error(JSON.stringify(exported.problems));
    expect(runFileName(exported.value)).toBe('single-read-seed1-step33.virtio-run.json');
    expect(exported.value.scenario.queue.size).toBe(16);

    const b = make();
    await b.getState().load();
    const imported = await importRun(b, JSON.stringify(exported.value));
    expect(imported.ok).toBe(true);
    expect(shown(b)).toEqual(shown(a));
    expect(b.getState().overrides.queueSize).toBe(16);
    expect(b.getState().presenter).toBe(true);
  });

  it('a malformed or tampered file leaves the state untouched', async () => {
    const a = make();
    await a.getState().load();
    await a.getState().jump(20);
    const file = await exportRun(a);
    if (!file.ok) throw new Error('export failed');
    const b = make();
    await b.getState().load();
    await b.getState().jump(5);
    const before = shown(b);

    const tampered = structuredClone(file.value);
    tampered.log[12]!.fn = 'not_a_function';
    const r1 = await importRun(b, JSON.stringify(tampered));
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.problems[0]!.path).toBe('log.12.fn');

    const r2 = await importRun(b, JSON.stringify({ ...file.value, settings: { ...file.value.settings, queue: 3 } }));
    expect(!r2.ok && r2.problems[0]!.path).toBe('settings.queue');
    const r3 = await importRun(b, '{"format":"virtio-visualizer-run","version":1}');
    expect(!r3.ok && r3.problems.map((p) => p.path)).toContain('seed');
    expect(shown(b)).toEqual(before);
  });

  it('refuses to export after a free-run', async () => {
    const a = make();
    await a.getState().load();
    a.setState({ sim: { ...a.getState().sim!, origin: 'free-run' } });
    const r = await exportRun(a);
    expect(!r.ok && r.problems[0]!.path).toBe('step');
  });
});
