import type { RunTarget } from '../../engine/session';
import type { MachineView } from '../../engine/view';

/** A control that moves the run forward: Step, Play, Free-run, or one of the Run to buttons. */
export type ForwardControl = 'step' | 'play' | 'freeRun' | `runTo.${RunTarget}`;

/** Why a forward control would do nothing now (it is shown disabled, with this as its reason). */
export type ForwardBlock = 'not-loaded' | 'ended' | 'no-breakpoints';

/** The part of the page's state that says whether the run can move forward. */
export interface ForwardState {
  /** The view on screen, or null before a run is loaded. */
  view: Pick<MachineView, 'ended'> | null;
  playing: boolean;
  freeRunning: boolean;
  breakpointCount: number;
}

/** The forward state of a store snapshot (structural, so the store's own type need not be imported here). */
export function forwardStateOf(s: {
  sim: { view: Pick<MachineView, 'ended'> } | null;
  playing: boolean;
  freeRunning: boolean;
  breakpoints: readonly unknown[];
}): ForwardState {
  return {
    view: s.sim?.view ?? null,
    playing: s.playing,
    freeRunning: s.freeRunning,
    breakpointCount: s.breakpoints.length,
  };
}

/**
 * Null when pressing the control can do something; otherwise why not. The view's `ended` is set on a still state
 * once nothing can move any more (every request done, a side gave up, or the run is stuck): from there no step,
 * free-run or run-to can take a step, wherever the run ended (stepping, a run-to, a free-run, a NEEDS_RESET error).
 * A device error that leaves the driver something to do does not end the run, so stepping on still works. Play
 * while playing is Pause, and Free-run while free-running is Stop: those always work. While a free-run goes on the
 * run-to buttons work too (they stop it first), so the end only counts once the state is still.
 */
export function forwardBlocked(control: ForwardControl, s: ForwardState): ForwardBlock | null {
  if (s.view === null) return 'not-loaded';
  if (control === 'play' && s.playing) return null;
  if (control === 'freeRun' && s.freeRunning) return null;
  if (!s.freeRunning && s.view.ended !== null) return 'ended';
  if (control === 'runTo.breakpoint' && s.breakpointCount === 0) return 'no-breakpoints';
  return null;
}
