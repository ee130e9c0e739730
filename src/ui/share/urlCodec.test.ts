import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from '../../engine/scenario/builtin';
import { FEATURE_NAMES } from '../../engine/scenario/schema';
import { deflateToBase64Url } from '../../engine/share/compress';
import { SPEEDS_MS } from '../store/speed';
import {
  decodeShareHash,
  encodeShareHash,
  hasShareParams,
  NO_EMBED,
  resolveShareState,
  SHARE_PARAMS,
  type EmbedOptions,
  type ShareState,
} from './urlCodec';

const breakpointText = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('avail.idx', 'used.idx', 'num_free', 'vq0.last_used_idx'),
      fc.constantFrom('==', '!=', '>=', '<'),
      fc.nat(70000),
    )
    .map(([f, op, n]) => `${f} ${op} ${n}`),
  fc.constantFrom('fn:virtqueue_add_split', 'fn:virtqueue_pop', 'watch:0x1082+2'),
);

const scenarioRef = fc.oneof(
  fc.constantFrom(...BUILTIN_SCENARIOS.map((s) => s.name)).map((name) => ({ kind: 'builtin' as const, name })),
  fc
    .tuple(
      fc.constantFrom(...BUILTIN_SCENARIOS),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.integer({ min: 0, max: 4 }),
    )
    .map(([s, title, think]) => ({
      kind: 'inline' as const,
      scenario: {
        ...structuredClone(s),
        name: 'my-edit',
        title,
        workload: { ...s.workload, ops: s.workload.ops.map((op) => ({ ...op, think })) },
      },
    })),
);

const shareState: fc.Arbitrary<ShareState> = fc.record({
  scenario: scenarioRef,
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  step: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
  overrides: fc.record({
    queueSize: fc.option(fc.constantFrom(1, 2, 4, 16, 256, 1024), { nil: null }),
    features: fc.option(fc.subarray([...FEATURE_NAMES]), { nil: null }),
  }),
  settings: fc.record({
    granularity: fc.constantFrom('write' as const, 'function' as const, 'request' as const),
    speed: fc.integer({ min: 0, max: SPEEDS_MS.length - 1 }),
    language: fc.constantFrom(null, 'en' as const, 'zh-CN' as const),
    presenter: fc.boolean(),
    queue: fc.option(fc.integer({ min: 0, max: 15 }), { nil: null }),
    breakpoints: fc.array(breakpointText, { maxLength: 3 }),
  }),
});

const embedOptions: fc.Arbitrary<EmbedOptions> = fc
  .record({
    from: fc.option(fc.nat(500), { nil: null }),
    span: fc.nat(500),
    to: fc.boolean(),
    autoplay: fc.boolean(),
    loop: fc.boolean(),
  })
  .map(({ from, span, to, autoplay, loop }) => ({
    embed: true,
    from,
    to: to ? (from ?? 0) + span : null,
    autoplay,
    loop,
  }));

describe('share links', () => {
  it('round-trip every state (property)', async () => {
    await fc.assert(
      fc.asyncProperty(shareState, async (state) => {
        const hash = await encodeShareHash(state);
        expect(hash).not.toMatch(/[#\s+]/);
        expect(await decodeShareHash(`#${hash}`)).toEqual({ ok: true, state, embed: NO_EMBED });
      }),
      { numRuns: 150 },
    );
  });

  it('round-trip embed options (property)', async () => {
    await fc.assert(
      fc.asyncProperty(shareState, embedOptions, async (state, embed) => {
        const decoded = await decodeShareHash(await encodeShareHash(state, embed));
        expect(decoded).toEqual({ ok: true, state, embed });
      }),
      { numRuns: 60 },
    );
  });

  it('never throw on arbitrary text (property)', async () => {
    // Every parameter the codec reads, the embed's own, and one it does not know.
    const keys = fc.constantFrom(...SHARE_PARAMS, 'from', 'embed', 'x');
    const text = fc
      .array(fc.tuple(keys, fc.string({ maxLength: 12 })), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(text, fc.string()), async (t) => {
        const r = await decodeShareHash(t);
        if (!r.ok) for (const p of r.problems) expect(p.message.startsWith(`${p.param}: `)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('are short for built-in scenarios', async () => {
    const state: ShareState = {
      scenario: { kind: 'builtin', name: 'single-read' },
      seed: 1,
      step: 42,
      overrides: { queueSize: null, features: null },
      settings: { granularity: 'write', speed: 2, language: null, presenter: false, queue: null, breakpoints: [] },
    };
    expect(await encodeShareHash(state)).toBe('s=single-read&seed=1&step=42');
    const custom = await encodeShareHash({
      ...state,
      overrides: { queueSize: 16, features: ['VERSION_1', 'RING_EVENT_IDX'] },
      settings: { ...state.settings, breakpoints: ['avail.idx == 5'], language: 'zh-CN', queue: 0 },
    });
    expect(custom).toBe(
      's=single-read&seed=1&step=42&qs=16&f=VERSION_1%2CRING_EVENT_IDX&lang=zh-CN&q=0&bp=avail.idx%20%3D%3D%205',
    );
  });

  it('defaults what a link leaves out', async () => {
    const r = await decodeShareHash('s=ring-full');
    expect(r).toMatchObject({ ok: true, state: { seed: 1, step: null, settings: { granularity: 'write' } } });
    expect(await decodeShareHash('')).toEqual({ ok: true, state: null, embed: NO_EMBED });
    expect(await decodeShareHash('#tour=3')).toEqual({ ok: true, state: null, embed: NO_EMBED });
    expect(await decodeShareHash('#step=3')).toMatchObject({ ok: true, state: { scenario: { name: 'single-read' } } });
    expect(hasShareParams('#tour=3')).toBe(false);
    expect(hasShareParams('#s=x')).toBe(true);
  });

  const problems = async (text: string) => {
    const r = await decodeShareHash(text);
    return r.ok ? [] : r.problems.map((p) => ({ param: p.param, code: p.code }));
  };

  it('name the parameter and what is wrong', async () => {
    expect(await problems('s=no-such-thing&seed=1')).toEqual([{ param: 's', code: 'unknown-scenario' }]);
    expect(await problems('s=single-read&seed=abc')).toEqual([{ param: 'seed', code: 'not-integer' }]);
    expect(await problems('s=single-read&seed=-1')).toEqual([{ param: 'seed', code: 'not-integer' }]);
    expect(await problems('s=single-read&seed=4294967296')).toEqual([{ param: 'seed', code: 'out-of-range' }]);
    expect(await problems('s=single-read&step=1.5')).toEqual([{ param: 'step', code: 'not-integer' }]);
    expect(await problems('s=single-read&g=byte')).toEqual([{ param: 'g', code: 'unknown-value' }]);
    expect(await problems('s=single-read&sp=99')).toEqual([{ param: 'sp', code: 'out-of-range' }]);
    expect(await problems('s=single-read&lang=fr')).toEqual([{ param: 'lang', code: 'unknown-value' }]);
    expect(await problems('s=single-read&f=VERSION_1,WARP_DRIVE')).toEqual([{ param: 'f', code: 'unknown-value' }]);
    expect(await problems('s=single-read&bp=avail.idx%20~%205')).toEqual([{ param: 'bp', code: 'bad-breakpoint' }]);
    expect(await problems('s=single-read&z=abc')).toEqual([{ param: 's', code: 'both-scenarios' }]);
    expect(await problems('z=not*base64')).toEqual([{ param: 'z', code: 'corrupt' }]);
    expect(await problems('z=AAAAAAAAAAAA')).toEqual([{ param: 'z', code: 'corrupt' }]);
    expect(await problems('s=single-read&embed=1&from=9&to=3')).toEqual([{ param: 'from', code: 'from-after-to' }]);
    expect(await problems('s=bad&seed=x')).toEqual([
      { param: 's', code: 'unknown-scenario' },
      { param: 'seed', code: 'not-integer' },
    ]);
  });

  it('name the field of an inline scenario that is invalid', async () => {
    const doc = { ...builtinScenario('single-read')!, queue: { size: 3, count: 1, startIndex: 0 } };
    const r = await decodeShareHash(`z=${await deflateToBase64Url(JSON.stringify(doc))}`);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems[0]).toMatchObject({ param: 'z', code: 'invalid-scenario', values: { field: 'queue.size' } });
    const notJson = await decodeShareHash(`z=${await deflateToBase64Url('{oops')}`);
    expect(!notJson.ok && notJson.problems[0]!.code).toBe('invalid-scenario');
  });

  it('check what needs the scenario: overrides, queue, breakpoints', async () => {
    const resolve = async (text: string) => {
      const r = await decodeShareHash(text);
      if (!r.ok || !r.state) throw new Error('expected a state');
      const res = resolveShareState(r.state);
      return res.ok ? res.scenario : res.problems.map((p) => ({ param: p.param, code: p.code }));
    };
    expect(await resolve('s=single-read&qs=16')).toMatchObject({ queue: { size: 16 } });
    expect(await resolve('s=single-read&qs=12')).toEqual([{ param: 'qs', code: 'invalid-scenario' }]);
    expect(await resolve('s=single-read&f=RING_EVENT_IDX')).toEqual([{ param: 'f', code: 'invalid-scenario' }]);
    expect(await resolve('s=single-read&q=1')).toEqual([{ param: 'q', code: 'no-such-queue' }]);
    expect(await resolve('s=two-queues-one-iothread&q=1')).toMatchObject({ queue: { count: 2 } });
    expect(await resolve('s=single-read&bp=vq3.num_free%3D%3D0')).toEqual([{ param: 'bp', code: 'no-such-queue' }]);
    expect(await resolve('s=single-read&bp=watch:0xfffffff%2B2')).toEqual([{ param: 'bp', code: 'out-of-range' }]);
  });
});
