import type { Breakpoint } from '../breakpoint';
import type { MachineCounters } from '../machine/machine';
import type { Scenario } from '../scenario/schema';
import type { RunTarget, StopReason } from '../session';
import type { Granularity, StepRecord } from '../step';
import type { MachineView } from '../view';
import type { MemoryImage } from './memoryImage';

/** What the timeline draws: the steps at which things happened, over the whole run so far. */
export interface TimelineData {
  /** Furthest step reached so far (the timeline's length). */
  length: number;
  /**
   * The steps that show each kind of event (step N is the state after N steps, so the step whose record made the
   * event): where the timeline draws its mark and where a click on it jumps. An imported trace gives event numbers.
   */
  kicks: number[];
  interrupts: number[];
  completions: number[];
  errors: number[];
  suppressed: number[];
}

/** A snapshot of everything the UI shows, taken after each command. */
export interface SimulationState {
  view: MachineView;
  /** The step that led here (its writes are what to highlight), or null at step 0. */
  current: StepRecord | null;
  /**
   * Guest memory as of this state, read-only, for the hex view: pages that did not change since the previous state
   * are shared with its image (see StateSnapshots), so a step does not copy the whole memory.
   */
  memory: MemoryImage;
  timeline: TimelineData;
  /** True while free-running. */
  running: boolean;
  /**
   * Why the last command stopped where it did: a run-until's target, or a step that hit a breakpoint, reported an
   * error or was the last of the run. Null after a step that simply did what was asked.
   */
  stopped: StopReason | null;
  /** Which breakpoint (an index into the list given to setBreakpoints) stopped it, when one did. */
  breakpoint: number | null;
  /** Where step 0 of the timeline is: the start of the run, or where a free-run was paused (history restarts there). */
  origin: 'start' | 'free-run';
  /**
   * Null when every counter in view.counters is exact. While workers free-run, only these are sampled live; the
   * others stay as they were when the free-run began, until the pause.
   */
  liveCounters: readonly (keyof MachineCounters)[] | null;
}

/**
 * The UI's only way to the simulation. One implementation runs the engine on the page's thread (LocalClient);
 * another runs the guest and the device in Web Workers over shared memory (WorkerClient). Every command
 * resolves with the new state; a rejected promise carries a message for the error panel.
 */
export interface SimulationClient {
  load(scenario: Scenario, seed: number): Promise<SimulationState>;
  step(granularity: Granularity): Promise<SimulationState>;
  back(granularity: Granularity): Promise<SimulationState>;
  jump(step: number): Promise<SimulationState>;
  /** Runs on until the target (or a breakpoint, or the end); long runs yield to the page now and then. */
  runUntil(target: RunTarget): Promise<SimulationState>;
  setBreakpoints(breakpoints: Breakpoint[]): Promise<SimulationState>;
  /** Free-run: start; `onSample` is called with fresh state as it runs (at most once per animation frame). */
  play(onSample: (state: SimulationState) => void): Promise<void>;
  /** Stops free-running at a consistent state that stepping continues from. */
  pause(): Promise<SimulationState>;
  dispose(): void;
}
