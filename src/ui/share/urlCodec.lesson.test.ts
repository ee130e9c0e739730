import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import { LESSONS } from '../../lessons/catalog';
import {
  decodeShareHash,
  DEFAULT_SETTINGS,
  encodeShareHash,
  lessonPlaceProblems,
  NO_EMBED,
  type LessonPlace,
  type ShareState,
} from './urlCodec';

const base: ShareState = {
  scenario: { kind: 'builtin', name: 'single-read' },
  seed: 1,
  step: 42,
  overrides: { queueSize: null, features: null },
  settings: DEFAULT_SETTINGS,
};

const place: fc.Arbitrary<LessonPlace> = fc.record({
  id: fc.oneof(fc.constantFrom(...LESSONS.map((l) => l.id)), fc.string({ maxLength: 20 })),
  stop: fc.integer({ min: 1, max: 999 }),
  ask: fc.boolean(),
});

const stateWithLesson: fc.Arbitrary<ShareState> = fc
  .record({
    name: fc.constantFrom(...BUILTIN_SCENARIOS.map((s) => s.name)),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    step: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
    presenter: fc.boolean(),
    breakpoints: fc.array(fc.constantFrom('avail.idx == 5', 'fn:virtqueue_pop'), { maxLength: 2 }),
    lesson: place,
  })
  .map(({ name, seed, step, presenter, breakpoints, lesson }) => ({
    ...base,
    scenario: { kind: 'builtin', name },
    seed,
    step,
    settings: { ...DEFAULT_SETTINGS, presenter, breakpoints },
    lesson,
  }));

const problems = async (text: string) => {
  const r = await decodeShareHash(text);
  return r.ok ? [] : r.problems.map((p) => ({ param: p.param, code: p.code }));
};

describe('share links with a lesson', () => {
  it('round-trip the lesson and its place with the rest of the state (property)', async () => {
    await fc.assert(
      fc.asyncProperty(stateWithLesson, async (state) => {
        const hash = await encodeShareHash(state);
        expect(hash).not.toMatch(/[#\s+]/);
        expect(await decodeShareHash(`#${hash}`)).toEqual({ ok: true, state, embed: NO_EMBED });
      }),
      { numRuns: 150 },
    );
  });

  it('add the lesson at the end of the link: stop counted from 1, ask only while a question waits', async () => {
    expect(await encodeShareHash({ ...base, lesson: { id: 'journey', stop: 4, ask: false } })).toBe(
      's=single-read&seed=1&step=42&lesson=journey&stop=4',
    );
    expect(await encodeShareHash({ ...base, lesson: { id: 'journey', stop: 4, ask: true } })).toBe(
      's=single-read&seed=1&step=42&lesson=journey&stop=4&ask=1',
    );
    // Without a lesson the link is what it always was.
    expect(await encodeShareHash(base)).toBe('s=single-read&seed=1&step=42');
  });

  it('still read addresses written before lessons were linked, exactly as then (no lesson key)', async () => {
    const old: [string, Partial<ShareState>][] = [
      ['s=single-read&seed=1&step=42', { seed: 1, step: 42 }],
      ['#s=ring-full&seed=3', { scenario: { kind: 'builtin', name: 'ring-full' }, seed: 3, step: null }],
      [
        's=single-read&seed=1&step=42&qs=16&f=VERSION_1%2CRING_EVENT_IDX&lang=zh-CN&q=0&bp=avail.idx%20%3D%3D%205',
        {
          overrides: { queueSize: 16, features: ['VERSION_1', 'RING_EVENT_IDX'] },
          settings: { ...DEFAULT_SETTINGS, language: 'zh-CN', queue: 0, breakpoints: ['avail.idx == 5'] },
        },
      ],
      // The first version's query (?scenario=NAME&seed=N) reaches the codec as s=…&seed=….
      ['s=ring-full&seed=4', { seed: 4, step: null }],
    ];
    for (const [text, expected] of old) {
      const r = await decodeShareHash(text);
      expect(r.ok, text).toBe(true);
      if (!r.ok || !r.state) throw new Error(text);
      expect(r.state, text).toMatchObject(expected);
      expect('lesson' in r.state, text).toBe(false);
      // And such a state writes the same link back.
      expect(await encodeShareHash(r.state), text).toBe(text.replace(/^#/, ''));
    }
    const embed = await decodeShareHash('s=single-read&seed=1&step=3&embed=1&from=2&to=5');
    expect(embed).toMatchObject({ ok: true, embed: { embed: true, from: 2, to: 5 } });
    expect(embed.ok && embed.state && 'lesson' in embed.state).toBe(false);
  });

  it('default a lesson’s place to its first stop, and open a link that names only a lesson', async () => {
    expect(await decodeShareHash('lesson=journey')).toMatchObject({
      ok: true,
      state: { scenario: { name: 'single-read' }, step: null, lesson: { id: 'journey', stop: 1, ask: false } },
    });
    expect(await decodeShareHash('?lesson=chains&stop=3&ask=1')).toMatchObject({
      ok: true,
      state: { lesson: { id: 'chains', stop: 3, ask: true } },
    });
  });

  it('name the lesson parameter that is wrong', async () => {
    expect(await problems('s=single-read&stop=3')).toEqual([{ param: 'stop', code: 'needs-lesson' }]);
    expect(await problems('s=single-read&ask=1')).toEqual([{ param: 'ask', code: 'needs-lesson' }]);
    expect(await problems('lesson=journey&stop=0')).toEqual([{ param: 'stop', code: 'out-of-range' }]);
    expect(await problems('lesson=journey&stop=two')).toEqual([{ param: 'stop', code: 'not-integer' }]);
    expect(await problems('lesson=journey&stop=2&ask=yes')).toEqual([{ param: 'ask', code: 'unknown-value' }]);
    expect(await problems('s=nope&lesson=journey&stop=-1')).toEqual([
      { param: 's', code: 'unknown-scenario' },
      { param: 'stop', code: 'not-integer' },
    ]);
  });

  it('check a place against the lessons there are: an unknown lesson, a stop it does not have', () => {
    const journey = LESSONS.find((l) => l.id === 'journey')!;
    const n = journey.stops.length;
    expect(lessonPlaceProblems({ id: 'journey', stop: 1, ask: false }, LESSONS)).toEqual([]);
    expect(lessonPlaceProblems({ id: 'journey', stop: n, ask: true }, LESSONS)).toEqual([]);
    const [unknown] = lessonPlaceProblems({ id: 'jouney', stop: 1, ask: false }, LESSONS);
    expect(unknown).toMatchObject({ param: 'lesson', code: 'unknown-lesson', values: { value: 'jouney' } });
    expect(unknown!.message).toContain('"jouney" is not a lesson');
    expect(unknown!.message).toContain('journey');
    const [past] = lessonPlaceProblems({ id: 'journey', stop: n + 1, ask: false }, LESSONS);
    expect(past).toMatchObject({
      param: 'stop',
      code: 'no-such-stop',
      values: { value: n + 1, count: n, lesson: 'journey' },
    });
    expect(past!.message).toBe(`stop: lesson "journey" has ${n} stops, so there is no stop ${n + 1}`);
  });

  it('find every place it decodes either fine or named as a problem against the catalog (property)', async () => {
    await fc.assert(
      fc.asyncProperty(place, async (p) => {
        const r = await decodeShareHash(await encodeShareHash({ ...base, lesson: p }));
        if (!r.ok || !r.state?.lesson) throw new Error('expected a lesson');
        const found = lessonPlaceProblems(r.state.lesson, LESSONS);
        const lesson = LESSONS.find((l) => l.id === p.id);
        expect(found.length === 0).toBe(lesson !== undefined && p.stop <= lesson.stops.length);
      }),
      { numRuns: 200 },
    );
  });
});
