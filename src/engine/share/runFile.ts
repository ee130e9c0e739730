import { z } from 'zod/mini';
import type { Scenario } from '../scenario/schema';
import { validateScenario } from '../scenario/validate';
import type { StepRecord } from '../step';
import { replay } from './replay';

/** A run saved to a file: everything that reproduces it, and the steps it took so the replay can be checked. */
export const RUN_FORMAT = 'virtio-visualizer-run';
export const RUN_VERSION = 1;

/**
 * A problem with a run file, naming the field by its path (e.g. "log.17.writes.0.new", "scenario.queue.size"). A
 * problem in a log entry's field says in its message which step of the viewer that is ("step 18 (log[17]): ...").
 */
export interface RunProblem {
  path: string;
  message: string;
}

export type RunResult<T> = { ok: true; value: T } | { ok: false; problems: RunProblem[] };

// zod/mini (as the scenario schema, which sets its English messages): the same checks and messages as zod's.
const hex = z.string().check(z.regex(/^(?:[0-9a-f]{2})*$/, 'must be lowercase hex bytes'));
const write = z.strictObject({ addr: z.int().check(z.gte(0)), old: hex, new: hex });

const loggedStep = z.strictObject({
  actor: z.string().check(z.regex(/^(?:vcpu\d+|irq|iothread\d+)$/, 'must be vcpuN, irq or iothreadN')),
  fn: z.string().check(z.minLength(1)),
  kind: z.enum(['write', 'barrier', 'action']),
  writes: z.array(write),
});

/** The viewer's settings at export: how the run was being looked at, not what it is. */
export const runSettingsSchema = z.strictObject({
  granularity: z.enum(['write', 'function', 'request']),
  /** Index into the playback speeds. */
  speed: z.int().check(z.gte(0), z.lte(64)),
  /** A language code; null leaves the reader's own. */
  language: z.nullable(z.string()),
  presenter: z.boolean(),
  /** The queue shown, or null to follow the step. */
  queue: z.nullable(z.int().check(z.gte(0), z.lte(15))),
  breakpoints: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(64)),
});

export type RunSettings = z.output<typeof runSettingsSchema>;

/**
 * The lesson open at export and where it was (as a shared link carries it): `stop` counted from 1, `ask` when the
 * stop's question was waiting. Whether the lesson and stop exist is checked by the page that opens the file.
 */
export const runLessonSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  stop: z.int().check(z.gte(1), z.lte(999)),
  ask: z.boolean(),
});

export type RunLesson = z.output<typeof runLessonSchema>;
export type LoggedStep = z.output<typeof loggedStep>;

export const runFileSchema = z
  .strictObject({
    format: z.literal(RUN_FORMAT),
    version: z.literal(RUN_VERSION),
    /** When it was exported (ISO 8601); informational. */
    exportedAt: z.optional(z.string()),
    /** The full scenario document as it ran (built-in plus any edits). */
    scenario: z.unknown(),
    seed: z.int().check(z.gte(0), z.lte(0xffffffff)),
    settings: runSettingsSchema,
    /** The step shown at export. */
    step: z.int().check(z.gte(0)),
    /** Absent when no lesson was open (and in every file written before lessons were saved). */
    lesson: z.optional(runLessonSchema),
    /** One entry per step from the start up to `step`. */
    log: z.array(loggedStep),
  })
  .check(
    z.superRefine((f, ctx) => {
      if (f.log.length !== f.step)
        ctx.addIssue({
          code: 'custom',
          path: ['log'],
          message: `has ${f.log.length} steps but the file is at step ${f.step} (one entry per step is needed)`,
        });
    }),
  );

export type RunFileJson = z.output<typeof runFileSchema>;
/** A run file whose scenario validated. */
export type RunFile = Omit<RunFileJson, 'scenario'> & { scenario: Scenario };

const logEntry = (r: StepRecord): LoggedStep => ({
  actor: r.actor,
  fn: r.fn,
  kind: r.kind,
  writes: r.writes.map((w) => ({ addr: w.addr, old: w.old, new: w.new })),
});

/** What a run file is made from: the run, the step and how it was being looked at. */
export interface BuildRunInput {
  scenario: Scenario;
  seed: number;
  step: number;
  settings: RunSettings;
  lesson?: RunLesson | null;
}

/**
 * The run file for (scenario, seed) at `step`, with the log of every step up to it (replayed here from the
 * start). Fails if the run ends before `step`.
 */
export function buildRunFile(
  input: BuildRunInput,
  exportedAt = new Date().toISOString(),
  progress?: (reached: number) => void,
): RunResult<RunFile> {
  const log: LoggedStep[] = [];
  const result = replay(input.scenario, input.seed, input.step, (r) => {
    log.push(logEntry(r));
    progress?.(r.index + 1);
  });
  if (result.reached !== input.step)
    return { ok: false, problems: [{ path: 'step', message: `the run ends at step ${result.reached}` }] };
  return {
    ok: true,
    value: {
      format: RUN_FORMAT,
      version: RUN_VERSION,
      exportedAt,
      scenario: input.scenario,
      seed: input.seed,
      settings: input.settings,
      step: input.step,
      ...(input.lesson ? { lesson: input.lesson } : {}),
      log,
    },
  };
}

const pathOf = (path: readonly PropertyKey[]): string => (path.length === 0 ? '(root)' : path.map(String).join('.'));

/**
 * How a message names log entry i: by the step the viewer shows for it (step N is the state after N steps, so
 * log[N-1] is the step that led to step N), with the entry's index so the path (log.i...) still reads.
 */
const logStep = (i: number): string => `step ${i + 1} (log[${i}])`;

/** A message about a field of log entry i (path log.i...) names the viewer's step first. */
function aboutLogEntry(path: readonly PropertyKey[], message: string): string {
  const i = path[0] === 'log' ? Number(path[1]) : NaN;
  return Number.isInteger(i) && i >= 0 ? `${logStep(i)}: ${message}` : message;
}

/** Parses and validates run file text: JSON, the file's shape, then its scenario. Every problem names its field. */
export function parseRunFile(text: string): RunResult<RunFile> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ path: '(root)', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (v.format !== RUN_FORMAT)
      return { ok: false, problems: [{ path: 'format', message: `must be "${RUN_FORMAT}" (not a run file)` }] };
    if (typeof v.version === 'number' && v.version > RUN_VERSION)
      return {
        ok: false,
        problems: [{ path: 'version', message: `${v.version} is newer than this tool reads (${RUN_VERSION})` }],
      };
  }
  const parsed = runFileSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues
        .slice(0, 10)
        .map((i) => ({ path: pathOf(i.path), message: aboutLogEntry(i.path, i.message) })),
    };
  }
  const scenario = validateScenario(parsed.data.scenario);
  if (!scenario.ok) {
    return {
      ok: false,
      problems: scenario.problems.map((p) => ({
        path: p.path === '(root)' ? 'scenario' : `scenario.${p.path}`,
        message: p.message,
      })),
    };
  }
  return { ok: true, value: { ...parsed.data, scenario: scenario.scenario } };
}

function differs(i: number, field: string, what: string, file: unknown, replayed: unknown): RunProblem {
  return {
    path: `log.${i}.${field}`,
    message: `${logStep(i)}: the file says ${JSON.stringify(file)} but replaying the run gives ${JSON.stringify(replayed)} (${what})`,
  };
}

/** The first difference between a logged step and the step the replay took, or null. */
function compareStep(i: number, want: LoggedStep, got: StepRecord): RunProblem | null {
  if (want.actor !== got.actor) return differs(i, 'actor', 'who moved', want.actor, got.actor);
  if (want.fn !== got.fn) return differs(i, 'fn', 'the function', want.fn, got.fn);
  if (want.kind !== got.kind) return differs(i, 'kind', 'the kind of step', want.kind, got.kind);
  if (want.writes.length !== got.writes.length)
    return differs(i, 'writes', 'the number of stores', want.writes.length, got.writes.length);
  for (const [k, w] of want.writes.entries()) {
    const g = got.writes[k]!;
    for (const field of ['addr', 'old', 'new'] as const)
      if (w[field] !== g[field]) return differs(i, `writes.${k}.${field}`, 'a store', w[field], g[field]);
  }
  return null;
}

/**
 * Replays the file's run from the start and checks every step against its log: the same actor, function, kind
 * and stores. Null when they all match; otherwise the first difference, by path.
 */
export function verifyRunFile(file: RunFile, progress?: (reached: number) => void): RunProblem | null {
  let problem = null as RunProblem | null;
  let result: ReturnType<typeof replay>;
  try {
    result = replay(file.scenario, file.seed, file.step, (r) => {
      problem = compareStep(r.index, file.log[r.index]!, r);
      progress?.(r.index + 1);
      return problem === null;
    });
  } catch (e) {
    return { path: 'scenario', message: `the machine cannot start it: ${(e as Error).message}` };
  }
  if (problem) return problem;
  if (result.reached < file.step)
    return { path: 'step', message: `${file.step} is past the end of the run (it ends at step ${result.reached})` };
  return null;
}
