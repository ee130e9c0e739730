import type { StoreApi } from 'zustand';
import { parseRunFile, type RunFile, type RunProblem } from '../../engine/share/runFile';
import { isLanguage } from '../i18n';
import { lessonPlaceStore } from '../lessons/lessonGate';
import type { SimStore } from '../store/store';
import { SPEEDS_MS } from '../store/speed';
import { applyShareState } from './applyShare';
import { followLesson, lessonProblems } from './lessonLink';
import { replayOffPage } from './replayOffPage';
import { sourceOf } from './scenarioSource';
import { resolveShareState, type ShareState } from './urlCodec';

export type TransferResult<T> = { ok: true; value: T } | { ok: false; problems: RunProblem[] };

/** The run file name: scenario, seed and step, so a folder of them sorts sensibly. */
export const runFileName = (f: Pick<RunFile, 'scenario' | 'seed' | 'step'>): string =>
  `${f.scenario.name}-seed${f.seed}-step${f.step}.virtio-run.json`;

/**
 * The run on screen as a run file. Replays it from the start to write the log, and checks that the replay
 * arrives where the page is (the same step, the same last step record).
 */
export async function exportRun(
  store: StoreApi<SimStore>,
  progress?: (fraction: number) => void,
): Promise<TransferResult<RunFile>> {
  const s = store.getState();
  if (!s.sim || !s.scenario) return { ok: false, problems: [{ path: '(root)', message: 'nothing is loaded' }] };
  if (s.sim.origin === 'free-run')
    return {
      ok: false,
      problems: [{ path: 'step', message: 'a free-run cannot be replayed, so it cannot be exported' }],
    };
  const input = {
    scenario: s.scenario,
    seed: s.seed,
    step: s.sim.view.step,
    settings: {
      granularity: s.granularity,
      speed: s.speed,
      language: s.language,
      presenter: s.presenter,
      queue: s.followQueue ? null : s.queueIndex,
      breakpoints: s.breakpoints.map((b) => b.text),
    },
    // A teacher's prepared run reopens inside its lesson, at the same stop.
    lesson: lessonPlaceStore.getState().place,
  };
  const job = await replayOffPage({ kind: 'build', input, exportedAt: new Date().toISOString() }, progress);
  if (job.kind !== 'build') return { ok: false, problems: [{ path: 'scenario', message: failure(job) }] };
  const built = job.result;
  if (!built.ok) return built;
  const last = built.value.log.at(-1);
  const shown = s.sim.current;
  if (
    (last?.fn ?? null) !== (shown?.fn ?? null) ||
    JSON.stringify(last?.writes ?? []) !== JSON.stringify(shown?.writes ?? [])
  )
    return { ok: false, problems: [{ path: 'log', message: 'the replay does not arrive at the step on screen' }] };
  return built;
}

/** What a replay job that did not run says. */
const failure = (job: { kind: string; message?: string }): string => job.message ?? `unexpected ${job.kind} result`;

/** The state a verified run file opens, or what in its settings this page cannot show (by path). */
function stateOfFile(file: RunFile): TransferResult<ShareState> {
  const { ref, overrides } = sourceOf(file.scenario);
  const st = file.settings;
  if (st.speed > SPEEDS_MS.length - 1)
    return { ok: false, problems: [{ path: 'settings.speed', message: `must be 0..${SPEEDS_MS.length - 1}` }] };
  if (st.language !== null && !isLanguage(st.language))
    return { ok: false, problems: [{ path: 'settings.language', message: `"${st.language}" is not en or zh-CN` }] };
  const state: ShareState = {
    scenario: ref,
    seed: file.seed,
    overrides,
    step: file.step,
    settings: { ...st, language: st.language as ShareState['settings']['language'] },
  };
  const resolved = resolveShareState(state);
  if (!resolved.ok) {
    const path = (param: string) =>
      param === 'q' ? 'settings.queue' : param === 'bp' ? 'settings.breakpoints' : 'scenario';
    return { ok: false, problems: resolved.problems.map((p) => ({ path: path(p.param), message: p.message })) };
  }
  return { ok: true, value: state };
}

/** A lesson problem's link parameter as the run file's field. */
const lessonPathOf = (param: string): string =>
  param === 'stop' ? 'lesson.stop' : param === 'lesson' ? 'lesson.id' : 'lesson';

/**
 * Imports a run file: validates it, replays it and checks every step against its log, and only then shows it
 * (the page is untouched when anything is wrong). Resolves with the file on success.
 */
export async function importRun(
  store: StoreApi<SimStore>,
  text: string,
  progress?: (fraction: number) => void,
): Promise<TransferResult<RunFile>> {
  const parsed = parseRunFile(text);
  if (!parsed.ok) return parsed;
  const file = parsed.value;
  const job = await replayOffPage({ kind: 'verify', file }, progress);
  if (job.kind !== 'verify') return { ok: false, problems: [{ path: 'scenario', message: failure(job) }] };
  if (job.problem) return { ok: false, problems: [job.problem] };
  const state = stateOfFile(file);
  if (!state.ok) return state;
  if (file.lesson) {
    const problems = await lessonProblems(file.lesson);
    if (problems.length > 0)
      return { ok: false, problems: problems.map((p) => ({ path: lessonPathOf(p.param), message: p.message })) };
  }
  await applyShareState(store, state.value);
  const sim = store.getState().sim;
  if (sim?.view.step !== file.step)
    return { ok: false, problems: [{ path: 'step', message: `the page reached step ${sim?.view.step ?? 0}` }] };
  await followLesson(file.lesson, false);
  return { ok: true, value: file };
}
