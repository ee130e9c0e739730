import type { RunTarget } from '../engine/session';
import type { StepEvent } from '../engine/step';
import type { AnswerName } from './answers';
import type { HighlightId } from './highlights';

/**
 * How the simulation gets to a stop, counted from the previous stop's state (or from step 0 when the stop loads
 * a scenario). Every kind is something the engine's Session does itself: steps, runUntil, a breakpoint.
 * `then` adds that many single steps afterwards.
 */
export type StopTarget = (
  | { start: true }
  | { steps: number }
  /** Session.runUntil(run), `times` times: the step with the next kick, interrupt, completion, error, or the end. */
  | { run: RunTarget; times?: number }
  /** The next step carrying this event (e.g. 'popped': the device has taken a chain), `times` times. */
  | { event: StepEvent['type']; times?: number }
  /** The first step of the next call of this Linux or QEMU function (a function breakpoint), `times` times. */
  | { fn: string; times?: number }
  /** The step that makes a breakpoint condition true, e.g. "avail.idx == 65535" or "vq1.used.idx == 2". */
  | { when: string }
) & { then?: number };

/** Which built-in scenario a stop runs in, and with which seed. */
export interface StopScenario {
  name: string;
  seed?: number;
}

export interface ChoiceOption {
  value: number;
  /** A key in the lessons namespace; without one the value itself is the label (slot numbers). */
  labelKey?: string;
}

/**
 * Asked at the previous stop's state, before this stop reveals the answer. The right answer is not written here:
 * a named pure function computes it from the MachineView at the revealed state.
 */
export interface Question {
  kind: 'choice' | 'number';
  choices?: ChoiceOption[];
  answer: AnswerName;
  /** The virtqueue the answer is about (default 0). */
  queue?: number;
}

/** A side-by-side table of whole runs (engine compareRuns), shown at a stop. */
export interface CompareSpec {
  /** What the table is about; also picks its columns. */
  kind: 'paravirt' | 'notify' | 'iothreads';
  entries: { labelKey: string; scenario: string }[];
  seed?: number;
  /**
   * 'step' measures the runs as the visualizer steps them (the counts the learner has just watched); 'threads'
   * models a free-run with every vCPU and IOThread on its own CPU (for throughput and latency).
   */
  mode: 'step' | 'threads';
}

export interface Stop {
  /** Unique within the lesson; its texts are `<lesson>.<stop>.text` (and `.q`, for the question). */
  id: string;
  target: StopTarget;
  /** A different scenario from here on (the lesson's own until then); the target counts from its step 0. */
  scenario?: StopScenario;
  highlight: HighlightId[];
  question?: Question;
  compare?: CompareSpec;
}

export interface Lesson {
  /** Its texts are `<id>.title` and `<id>.summary` in the 'lessons' namespace. */
  id: string;
  scenario: StopScenario;
  stops: Stop[];
}

/** A stop resolved against the engine: the scenario, seed and step where it shows its state. */
export interface PlannedStop {
  stop: Stop;
  scenario: string;
  seed: number;
  step: number;
}

/** The i18n key of a stop's text, question prompt and lesson title. */
export const stopTextKey = (lesson: Lesson, stop: Stop): string => `${lesson.id}.${stop.id}.text`;
export const stopQuestionKey = (lesson: Lesson, stop: Stop): string => `${lesson.id}.${stop.id}.q`;
export const lessonTitleKey = (lesson: Lesson): string => `${lesson.id}.title`;
export const lessonSummaryKey = (lesson: Lesson): string => `${lesson.id}.summary`;
