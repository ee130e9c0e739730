import { Machine } from '../machine/machine';
import type { Scenario } from '../scenario/schema';
import type { StepRecord } from '../step';

/** How far a replay from the start got. */
export interface ReplayResult {
  /** Steps taken (the step number the run is at). */
  reached: number;
  /** True when the run ended before `upTo`. */
  ended: boolean;
  /** The record of the last step taken, or null at step 0. */
  last: StepRecord | null;
}

/**
 * Runs (scenario, seed) from the start, on a machine of its own, for at most `upTo` steps; `visit` sees each
 * step's record and may return false to stop early. Deterministic, like every run of the engine: the workers and
 * the page's own thread give these very steps, so a link or a file can be checked before anything is shown.
 * Throws what the machine throws for a scenario it cannot set up (MachineSetupError).
 */
export function replay(
  scenario: Scenario,
  seed: number,
  upTo: number,
  visit?: (record: StepRecord) => boolean | void,
): ReplayResult {
  const machine = new Machine({ scenario, seed });
  let last: StepRecord | null = null;
  while (machine.stepCount < upTo) {
    const r = machine.step();
    if (r === null) return { reached: machine.stepCount, ended: true, last };
    last = r;
    if (visit?.(r) === false) break;
  }
  return { reached: machine.stepCount, ended: false, last };
}
