import type { SimulationState } from '../../engine/client/types';

/**
 * The run's length in steps, once it is known: the engine only learns where a run ends by reaching its end, so the
 * timeline's length is the steps taken so far, not the run's. Called with each state the page receives (in order),
 * it returns the known length: set when a still state is the run's last step, kept while the run is the same (its
 * timeline never shrinks), dropped when a new run starts (a load or a free-run's pause starts an empty timeline).
 */
export function nextRunLength(
  known: number | null,
  prev: SimulationState | null,
  sim: SimulationState | null,
): number | null {
  if (sim === null) return null;
  const reached = sim.timeline.length;
  const newRun = reached === 0 || prev === null || reached < prev.timeline.length || sim.origin !== prev.origin;
  const base = newRun ? null : known;
  if (!sim.running && sim.view.ended !== null && sim.view.step === reached) return reached;
  return base !== null && reached > base ? null : base;
}

/** What the step counter says beside the step number. */
export type StepTotal =
  /** The run's length is known: "Step 12 / 40". */
  | { kind: 'of'; total: number }
  /** Stepped back from further on, the end not yet reached: "Step 12 · reached 30". */
  | { kind: 'reached'; reached: number }
  /** At the furthest step taken, the end not yet reached: just "Step 12". */
  | { kind: 'none' };

/**
 * The second number of the step counter. After a free-run the steps are counted from its pause and the run's length
 * from the start is unknown, so only how far stepping has gone since then is given.
 */
export function stepTotal(step: number, reached: number, known: number | null, afterFreeRun: boolean): StepTotal {
  if (known !== null && !afterFreeRun) return { kind: 'of', total: known };
  if (step < reached) return { kind: 'reached', reached };
  return { kind: 'none' };
}
