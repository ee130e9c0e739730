import { builtinScenario } from '../../../engine/scenario/builtin';
import { Session } from '../../../engine/session';
import { stateOf } from '../../../engine/client/localClient';
import type { SimulationState } from '../../../engine/client/types';

/** A real session of a built-in scenario: tests render what the engine really produced. */
export function session(name: string, seed = 1): Session {
  const scenario = builtinScenario(name);
  if (!scenario) throw new Error(`no built-in scenario ${name}`);
  return new Session(scenario, seed);
}

export const snapshot = (s: Session): SimulationState => stateOf(s, false, null);

/** Steps one write at a time until `done` holds for the state after a step; throws if the run ends first. */
export function stepUntil(s: Session, done: (st: SimulationState) => boolean, limit = 20_000): SimulationState {
  for (let n = 0; n < limit; n++) {
    if (!s.stepOnce()) break;
    const st = snapshot(s);
    if (done(st)) return st;
  }
  throw new Error('condition never held');
}

/** The guest addresses the state's current step wrote (what the app passes as `changed`). */
export function writtenBy(st: SimulationState): Set<number> {
  const out = new Set<number>();
  for (const w of st.current?.writes ?? []) for (let i = 0; i < w.new.length / 2; i++) out.add(w.addr + i);
  return out;
}
