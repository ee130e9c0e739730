import { parseBreakpoint } from '../../engine/breakpoint';
import { deflateToBase64Url, inflateFromBase64Url } from '../../engine/share/compress';
import { BUILTIN_SCENARIOS, builtinScenario } from '../../engine/scenario/builtin';
import { FEATURE_NAMES, type FeatureName, type Scenario } from '../../engine/scenario/schema';
import { parseScenario } from '../../engine/scenario/validate';
import type { Granularity } from '../../engine/step';
import { isLanguage, type Language } from '../i18n';
import { buildScenario, NO_OVERRIDES, type ScenarioOverrides } from '../store/scenarioConfig';
import { DEFAULT_SPEED, SPEEDS_MS } from '../store/speed';

/**
 * The link format (the part after '#'), short for built-in scenarios:
 *   s=single-read&seed=1&step=42
 * Parameters: s (built-in scenario) or z (any scenario document, deflated and base64url), seed, step,
 * qs (queue size override), f (feature override, comma-separated), g (step by: write|function|request),
 * sp (speed index), lang, pres=1 (presenter), q (queue shown; absent follows the step), bp (a breakpoint, repeated);
 * for embedding: embed=1, from, to, autoplay=1, loop=1; a lesson open on the page: lesson (its id), stop (counted
 * from 1, as on screen), ask=1 (its question is waiting for an answer). Settings at their defaults are left out.
 * Parameters it does not know are ignored (and kept by the page), so other features can add their own.
 */

export type ScenarioRef = { kind: 'builtin'; name: string } | { kind: 'inline'; scenario: Scenario };

export interface ShareSettings {
  granularity: Granularity;
  /** Index into SPEEDS_MS. */
  speed: number;
  /** null: the reader's own language. */
  language: Language | null;
  presenter: boolean;
  /** The queue shown; null follows the step. */
  queue: number | null;
  breakpoints: string[];
}

/**
 * The lesson open on the page and where it is. Which lessons exist is known only to the lessons' chunk, loaded when a
 * link names one: lessonPlaceProblems checks a place against it.
 */
export interface LessonPlace {
  id: string;
  /** Counted from 1, as the player shows it ("Stop 3 of 9"). */
  stop: number;
  /** The stop's question is waiting for an answer (the simulation still shows the previous stop). */
  ask: boolean;
}

export interface ShareState {
  scenario: ScenarioRef;
  seed: number;
  overrides: ScenarioOverrides;
  settings: ShareSettings;
  /** null: no step (e.g. after a free-run, which no replay reaches); opens at step 0. */
  step: number | null;
  /** Absent: no lesson open (every link before lessons were linked). */
  lesson?: LessonPlace;
}

export interface EmbedOptions {
  embed: boolean;
  from: number | null;
  to: number | null;
  autoplay: boolean;
  loop: boolean;
}

export type ShareProblemCode =
  | 'unknown-scenario'
  | 'both-scenarios'
  | 'not-integer'
  | 'out-of-range'
  | 'unknown-value'
  | 'corrupt'
  | 'invalid-scenario'
  | 'bad-breakpoint'
  | 'no-such-queue'
  | 'past-end'
  | 'from-after-to'
  | 'needs-lesson'
  | 'unknown-lesson'
  | 'no-such-stop'
  | 'lessons-unavailable';

/** What is wrong with a link: the parameter, a code (translated by the page) and an English sentence. */
export interface ShareProblem {
  param: string;
  code: ShareProblemCode;
  values: Record<string, string | number>;
  message: string;
}

export const DEFAULT_SETTINGS: ShareSettings = {
  granularity: 'write',
  speed: DEFAULT_SPEED,
  language: null,
  presenter: false,
  queue: null,
  breakpoints: [],
};

export const NO_EMBED: EmbedOptions = { embed: false, from: null, to: null, autoplay: false, loop: false };

const GRANULARITIES: readonly Granularity[] = ['write', 'function', 'request'];
const MAX_SEED = 0xffffffff;
const MAX_STEP = 1_000_000_000;
const MAX_STOP = 999;

/** The parameters this codec reads and writes; the page keeps any others it finds. */
export const SHARE_PARAMS = [
  's',
  'z',
  'seed',
  'step',
  'qs',
  'f',
  'g',
  'sp',
  'lang',
  'pres',
  'q',
  'bp',
  'lesson',
  'stop',
  'ask',
] as const;
export const EMBED_PARAMS = ['embed', 'from', 'to', 'autoplay', 'loop'] as const;

/** Builds the part after '#'. Async because an inline scenario is compressed. */
export async function encodeShareHash(state: ShareState, embed: EmbedOptions = NO_EMBED): Promise<string> {
  const p = new URLSearchParams();
  if (state.scenario.kind === 'builtin') p.set('s', state.scenario.name);
  else p.set('z', await deflateToBase64Url(JSON.stringify(state.scenario.scenario)));
  p.set('seed', String(state.seed));
  if (state.step !== null) p.set('step', String(state.step));
  if (state.overrides.queueSize !== null) p.set('qs', String(state.overrides.queueSize));
  if (state.overrides.features !== null) p.set('f', state.overrides.features.join(','));
  const s = state.settings;
  if (s.granularity !== DEFAULT_SETTINGS.granularity) p.set('g', s.granularity);
  if (s.speed !== DEFAULT_SETTINGS.speed) p.set('sp', String(s.speed));
  if (s.language !== null) p.set('lang', s.language);
  if (s.presenter) p.set('pres', '1');
  if (s.queue !== null) p.set('q', String(s.queue));
  for (const bp of s.breakpoints) p.append('bp', bp);
  if (state.lesson) {
    p.set('lesson', state.lesson.id);
    p.set('stop', String(state.lesson.stop));
    if (state.lesson.ask) p.set('ask', '1');
  }
  if (embed.embed) {
    p.set('embed', '1');
    if (embed.from !== null) p.set('from', String(embed.from));
    if (embed.to !== null) p.set('to', String(embed.to));
    if (embed.autoplay) p.set('autoplay', '1');
    if (embed.loop) p.set('loop', '1');
  }
  // URLSearchParams writes spaces as '+'; %20 reads the same and survives more chat and mail clients.
  return p.toString().replace(/\+/g, '%20');
}

export type DecodeResult =
  { ok: true; state: ShareState | null; embed: EmbedOptions } | { ok: false; problems: ShareProblem[] };

function problem(
  param: string,
  code: ShareProblemCode,
  values: Record<string, string | number>,
  message: string,
): ShareProblem {
  return { param, code, values, message: `${param}: ${message}` };
}

/** Reads the parameters of a link, collecting every problem rather than stopping at the first. */
class Reader {
  readonly problems: ShareProblem[] = [];
  constructor(readonly params: URLSearchParams) {}

  int(name: string, min: number, max: number): number | null {
    const raw = this.params.get(name);
    if (raw === null) return null;
    if (!/^\d+$/.test(raw)) {
      this.problems.push(
        problem(name, 'not-integer', { value: raw }, `"${raw}" is not a whole number (digits only, e.g. 42)`),
      );
      return null;
    }
    const n = Number(raw);
    if (n < min || n > max) {
      this.problems.push(problem(name, 'out-of-range', { value: raw, min, max }, `${raw} is not in ${min}..${max}`));
      return null;
    }
    return n;
  }

  flag(name: string): boolean {
    const raw = this.params.get(name);
    if (raw === null || raw === '0') return false;
    if (raw === '1') return true;
    this.problems.push(problem(name, 'unknown-value', { value: raw, allowed: '0, 1' }, `"${raw}" is not 0 or 1`));
    return false;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.params.get(name);
    if (raw === null) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(
      problem(
        name,
        'unknown-value',
        { value: raw, allowed: allowed.join(', ') },
        `"${raw}" is not one of ${allowed.join(', ')}`,
      ),
    );
    return fallback;
  }
}

/** Strips a leading '#' or '?'. */
const paramsOf = (text: string): URLSearchParams => new URLSearchParams(text.replace(/^[#?]/, ''));

/** True when the text holds at least one parameter of a shared state (as opposed to e.g. another feature's). */
export function hasShareParams(text: string): boolean {
  const p = paramsOf(text);
  return SHARE_PARAMS.some((k) => p.has(k)) || EMBED_PARAMS.some((k) => p.has(k));
}

async function readScenario(r: Reader): Promise<ScenarioRef | null> {
  const name = r.params.get('s');
  const inline = r.params.get('z');
  if (name !== null && inline !== null) {
    r.problems.push(
      problem('s', 'both-scenarios', {}, 'a link names a built-in (s) or carries a scenario (z), not both'),
    );
    return null;
  }
  if (inline !== null) {
    let text: string;
    try {
      text = await inflateFromBase64Url(inline);
    } catch (e) {
      r.problems.push(problem('z', 'corrupt', { reason: (e as Error).message }, (e as Error).message));
      return null;
    }
    const result = parseScenario(text);
    if (!result.ok) {
      const first = result.problems[0]!;
      r.problems.push(
        problem(
          'z',
          'invalid-scenario',
          { field: first.path, reason: first.message },
          `the scenario is invalid: ${first.path}: ${first.message}`,
        ),
      );
      return null;
    }
    return { kind: 'inline', scenario: result.scenario };
  }
  const chosen = name ?? BUILTIN_SCENARIOS[0]!.name;
  if (!builtinScenario(chosen)) {
    r.problems.push(problem('s', 'unknown-scenario', { value: chosen }, `"${chosen}" is not a built-in scenario`));
    return null;
  }
  return { kind: 'builtin', name: chosen };
}

function readFeatures(r: Reader): FeatureName[] | null {
  const raw = r.params.get('f');
  if (raw === null) return null;
  const names = raw === '' ? [] : raw.split(',');
  const unknown = names.filter((n) => !(FEATURE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    r.problems.push(
      problem(
        'f',
        'unknown-value',
        { value: unknown.join(','), allowed: FEATURE_NAMES.join(', ') },
        `unknown feature ${unknown.join(', ')}`,
      ),
    );
    return null;
  }
  return names as FeatureName[];
}

function readBreakpoints(r: Reader): string[] {
  const out: string[] = [];
  for (const text of r.params.getAll('bp')) {
    try {
      parseBreakpoint(text);
      out.push(text);
    } catch (e) {
      r.problems.push(
        problem(
          'bp',
          'bad-breakpoint',
          { value: text, reason: (e as Error).message },
          `"${text}": ${(e as Error).message}`,
        ),
      );
    }
  }
  return out;
}

/** The lesson a link opens (whether it exists is checked later, against the lessons' catalog). */
function readLesson(r: Reader): LessonPlace | null {
  const id = r.params.get('lesson');
  if (id !== null) return { id, stop: r.int('stop', 1, MAX_STOP) ?? 1, ask: r.flag('ask') };
  for (const name of ['stop', 'ask'])
    if (r.params.has(name))
      r.problems.push(problem(name, 'needs-lesson', {}, 'only goes with lesson (the lesson it is about)'));
  return null;
}

/**
 * Reads a link's parameters (the text after '#', with or without it). ok with state null when the text holds no
 * shared state at all; otherwise every problem found, each naming its parameter. Never throws.
 */
export async function decodeShareHash(text: string): Promise<DecodeResult> {
  const r = new Reader(paramsOf(text));
  const embed: EmbedOptions = {
    embed: r.flag('embed'),
    from: r.int('from', 0, MAX_STEP),
    to: r.int('to', 0, MAX_STEP),
    autoplay: r.flag('autoplay'),
    loop: r.flag('loop'),
  };
  if (embed.from !== null && embed.to !== null && embed.from > embed.to)
    r.problems.push(
      problem('from', 'from-after-to', { from: embed.from, to: embed.to }, `${embed.from} is after to=${embed.to}`),
    );
  if (!SHARE_PARAMS.some((k) => r.params.has(k))) {
    return r.problems.length > 0 ? { ok: false, problems: r.problems } : { ok: true, state: null, embed };
  }
  const scenario = await readScenario(r);
  const seed = r.int('seed', 0, MAX_SEED) ?? 1;
  const step = r.int('step', 0, MAX_STEP);
  const queueSize = r.int('qs', 1, 0xffff);
  const features = readFeatures(r);
  const settings: ShareSettings = {
    granularity: r.oneOf('g', GRANULARITIES, 'write'),
    speed: r.int('sp', 0, SPEEDS_MS.length - 1) ?? DEFAULT_SPEED,
    language: null,
    presenter: r.flag('pres'),
    queue: r.int('q', 0, 15),
    breakpoints: readBreakpoints(r),
  };
  const lesson = readLesson(r);
  const lang = r.params.get('lang');
  if (lang !== null) {
    if (isLanguage(lang)) settings.language = lang;
    else
      r.problems.push(
        problem('lang', 'unknown-value', { value: lang, allowed: 'en, zh-CN' }, `"${lang}" is not en or zh-CN`),
      );
  }
  if (r.problems.length > 0 || scenario === null) return { ok: false, problems: r.problems };
  return {
    ok: true,
    // A link without a lesson decodes exactly as it did before lessons could be linked: no `lesson` key at all.
    state: { scenario, seed, step, overrides: { queueSize, features }, settings, ...(lesson ? { lesson } : {}) },
    embed,
  };
}

/** The scenario document a state names (before overrides). */
export function baseScenario(ref: ScenarioRef): Scenario {
  return ref.kind === 'builtin' ? builtinScenario(ref.name)! : ref.scenario;
}

/**
 * The checks that need the scenario: the overrides must give a valid one, the queue shown must exist, breakpoints
 * must name queues it has and addresses inside its memory. Returns the scenario that will run.
 */
export function resolveShareState(
  state: ShareState,
): { ok: true; scenario: Scenario } | { ok: false; problems: ShareProblem[] } {
  const built = buildScenario(baseScenario(state.scenario), state.overrides ?? NO_OVERRIDES);
  if (!built.ok) {
    const first = built.problems[0]!;
    const param = first.path.startsWith('queue') ? 'qs' : first.path.startsWith('features') ? 'f' : 'z';
    return {
      ok: false,
      problems: [
        problem(
          param,
          'invalid-scenario',
          { field: first.path, reason: first.message },
          `${first.path}: ${first.message}`,
        ),
      ],
    };
  }
  const scenario = built.scenario;
  const problems: ShareProblem[] = [];
  const count = scenario.queue.count;
  const q = state.settings.queue;
  if (q !== null && q >= count)
    problems.push(
      problem('q', 'no-such-queue', { value: q, count }, `queue ${q} does not exist (the scenario has ${count})`),
    );
  for (const text of state.settings.breakpoints) {
    const bp = parseBreakpoint(text);
    const vq = bp.kind === 'field' ? /^vq(\d+)\./.exec(bp.field) : null;
    if (vq && Number(vq[1]) >= count)
      problems.push(
        problem(
          'bp',
          'no-such-queue',
          { value: Number(vq[1]), count },
          `"${text}": queue ${vq[1]} does not exist (the scenario has ${count})`,
        ),
      );
    if (bp.kind === 'watch' && bp.addr >= scenario.guest.memory)
      problems.push(
        problem(
          'bp',
          'out-of-range',
          { value: text, min: 0, max: scenario.guest.memory - 1 },
          `"${text}": past the end of guest memory`,
        ),
      );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, scenario };
}

/** The problem for a step the run never reaches. */
export function pastEndProblem(step: number, end: number): ShareProblem {
  return problem(
    'step',
    'past-end',
    { value: step, end },
    `${step} is past the end of the run (it ends at step ${end})`,
  );
}

/**
 * The problems of a link's lesson place, given the lessons there are (the catalog, passed in by the lessons' chunk):
 * the lesson must exist and have the stop. Whether a question waits there is the player's business (see resume).
 */
export function lessonPlaceProblems(
  place: LessonPlace,
  lessons: readonly { id: string; stops: readonly unknown[] }[],
): ShareProblem[] {
  const known = lessons.map((l) => l.id);
  const count = lessons.find((l) => l.id === place.id)?.stops.length;
  if (count === undefined)
    return [
      problem(
        'lesson',
        'unknown-lesson',
        { value: place.id, allowed: known.join(', ') },
        `"${place.id}" is not a lesson (the lessons are ${known.join(', ')})`,
      ),
    ];
  if (place.stop > count)
    return [
      problem(
        'stop',
        'no-such-stop',
        { value: place.stop, count, lesson: place.id },
        `lesson "${place.id}" has ${count} stops, so there is no stop ${place.stop}`,
      ),
    ];
  return [];
}
