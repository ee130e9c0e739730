import type { StoreApi } from 'zustand';
import type { Scenario } from '../../engine/scenario/schema';
import { replayOffPage } from './replayOffPage';
import type { SimStore } from '../store/store';
import { pastEndProblem, resolveShareState, type ShareProblem, type ShareState } from './urlCodec';

/**
 * Whether a state can be opened: its scenario resolves and the run reaches its step. Replays to check, off the
 * page's thread when that takes long (`progress`: the fraction replayed).
 */
export async function checkShareState(
  state: ShareState,
  progress?: (fraction: number) => void,
): Promise<{ ok: true; scenario: Scenario } | { ok: false; problems: ShareProblem[] }> {
  const resolved = resolveShareState(state);
  if (!resolved.ok || state.step === null || state.step === 0) return resolved;
  const r = await replayOffPage(
    { kind: 'reach', scenario: resolved.scenario, seed: state.seed, upTo: state.step },
    progress,
  );
  if (r.kind === 'reach') {
    return r.reached < state.step ? { ok: false, problems: [pastEndProblem(state.step, r.reached)] } : resolved;
  }
  const message = r.kind === 'failed' ? r.message : `unexpected ${r.kind} result`;
  return {
    ok: false,
    problems: [{ param: 'z', code: 'invalid-scenario', values: { field: '(root)', reason: message }, message }],
  };
}

/** The shareable state of what the page shows now. */
export function shareStateOf(s: SimStore): ShareState {
  return {
    scenario: s.custom ? { kind: 'inline', scenario: s.custom } : { kind: 'builtin', name: s.scenarioName },
    seed: s.seed,
    overrides: s.overrides,
    settings: {
      granularity: s.granularity,
      speed: s.speed,
      // English is the default a link leaves out; a reader keeps their own language then.
      language: s.language === 'en' ? null : s.language,
      presenter: s.presenter,
      queue: s.followQueue ? null : s.queueIndex,
      breakpoints: s.breakpoints.map((b) => b.text),
    },
    // A free-run cannot be replayed, so its steps cannot be linked.
    step: s.sim?.origin === 'free-run' ? null : (s.sim?.view.step ?? 0),
  };
}

/**
 * Puts the page in a checked state (see checkShareState): stops playback, loads the scenario with the seed and
 * settings, sets the breakpoints and jumps to the step.
 */
export async function applyShareState(store: StoreApi<SimStore>, state: ShareState): Promise<void> {
  const st = store.getState();
  await st.pause();
  const { settings } = state;
  store.setState({
    scenarioName: state.scenario.kind === 'builtin' ? state.scenario.name : state.scenario.scenario.name,
    custom: state.scenario.kind === 'inline' ? state.scenario.scenario : null,
    seed: state.seed,
    overrides: state.overrides,
    granularity: settings.granularity,
    speed: settings.speed,
    presenter: settings.presenter,
    followQueue: settings.queue === null,
    queueIndex: settings.queue ?? 0,
    breakpoints: [],
    breakpointError: null,
    hitBreakpoint: null,
  });
  if (settings.language !== null && settings.language !== st.language) await st.setLanguage(settings.language);
  await st.load();
  for (const text of settings.breakpoints) await st.addBreakpoint(text);
  if (state.step !== null && state.step > 0) await st.jump(state.step);
  if (settings.queue !== null) st.setQueueIndex(settings.queue);
}
