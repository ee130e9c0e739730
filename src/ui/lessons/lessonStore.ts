import { createStore, type StoreApi } from 'zustand/vanilla';
import { compareRuns, type RunComparison } from '../../engine/compare';
import { builtinScenario } from '../../engine/scenario/builtin';
import type { Scenario } from '../../engine/scenario/schema';
import { answerOf } from '../../lessons/answers';
import { lessonById } from '../../lessons/catalog';
import { planLesson } from '../../lessons/plan';
import type { CompareSpec, PlannedStop } from '../../lessons/types';
import type { LessonPlace } from '../share/urlCodec';
import type { SimActions, SimStore } from '../store';

/**
 * Where the learner is in a lesson. At a stop with a question the player first waits ('ask') at the previous
 * stop's state; the answer (or "just show me") moves the simulation on to the stop ('shown').
 */
export type LessonPhase = 'ask' | 'shown';

export interface Feedback {
  /** The learner's answer; null when they asked to be shown. */
  given: number | null;
  /** The right answer, computed from the revealed state. */
  answer: number;
}

export type ComparisonState =
  { status: 'running' } | { status: 'done'; rows: RunComparison[] } | { status: 'failed'; message: string };

export interface LessonData {
  pickerOpen: boolean;
  lessonId: string | null;
  plan: PlannedStop[] | null;
  planError: string | null;
  index: number;
  phase: LessonPhase;
  feedback: Feedback | null;
  /** A move of the simulation in progress. */
  moving: boolean;
  comparison: ComparisonState | null;
}

export interface LessonActions {
  openPicker(): void;
  closePicker(): void;
  start(lessonId: string): Promise<void>;
  /**
   * Opens a lesson at a stop (index from 0), as a link left it: asking its question when `ask` and the stop has one.
   * The simulation stays as the link put it (the teacher may have stepped away from the stop), unless `move`.
   */
  resume(lessonId: string, index: number, ask: boolean, move: boolean): Promise<void>;
  next(): Promise<void>;
  previous(): Promise<void>;
  /** Answers the waiting question (a choice's value or a number), then reveals. */
  answer(value: number): Promise<void>;
  /** Reveals without an answer. */
  reveal(): Promise<void>;
  /** Puts the simulation back where the current stop shows it (after the learner stepped around). */
  resync(): Promise<void>;
  close(): void;
}

export type LessonStore = LessonData & LessonActions;

/** The parts of the main store a lesson drives: its state, and the commands every user has. */
export interface SimHandle {
  get(): SimStore;
  actions: Pick<SimActions, 'selectScenario' | 'setSeed' | 'jump'>;
}

const CLOSED: LessonData = {
  pickerOpen: false,
  lessonId: null,
  plan: null,
  planError: null,
  index: 0,
  phase: 'shown',
  feedback: null,
  moving: false,
  comparison: null,
};

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** True when the simulation on screen is the planned stop's: same built-in scenario, seed and step. */
export function atStop(sim: SimStore, p: PlannedStop): boolean {
  return (
    sim.custom === null &&
    sim.scenarioName === p.scenario &&
    sim.scenario?.name === p.scenario &&
    sim.seed === p.seed &&
    sim.overrides.queueSize === null &&
    sim.overrides.features === null &&
    sim.sim?.origin === 'start' &&
    sim.sim.view.step === p.step
  );
}

/** Where the lesson is, as a link carries it (stops counted from 1); null when no lesson is open. */
export function placeOf(s: Pick<LessonData, 'lessonId' | 'index' | 'phase'>): LessonPlace | null {
  return s.lessonId === null ? null : { id: s.lessonId, stop: s.index + 1, ask: s.phase === 'ask' };
}

/** Measures a stop's comparison with the engine's compareRuns (whole runs, headless). */
export function runComparison(spec: CompareSpec, label: (key: string) => string): RunComparison[] {
  const entries = spec.entries.map((e) => {
    const scenario: Scenario | undefined = builtinScenario(e.scenario);
    if (!scenario) throw new Error(`no built-in scenario "${e.scenario}"`);
    return { label: label(e.labelKey), scenario };
  });
  return compareRuns(entries, spec.seed ?? 1, { mode: spec.mode });
}

/**
 * Where the simulation waits while stop `index` asks its question: a state before the stop. That is the previous
 * stop when it is in the same run, earlier; a stop that brings its own scenario (or seed) waits at that run's start,
 * so the question is asked over the scenario it is about without showing the answer (a step just before the stop
 * can already hold it, filled but not yet published).
 */
export function askingAt(plan: readonly PlannedStop[], index: number): PlannedStop {
  const stop = plan[index]!;
  const prev = plan[index - 1];
  if (prev && prev.scenario === stop.scenario && prev.seed === stop.seed && prev.step <= stop.step) return prev;
  return { ...stop, step: 0 };
}

/** The planned stop whose state is on screen: the stop itself, or while it asks, where it waits (askingAt). */
export const stopOnScreen = (plan: readonly PlannedStop[], index: number, asking: boolean): PlannedStop | undefined =>
  plan[index] === undefined ? undefined : asking ? askingAt(plan, index) : plan[index];

export function createLessonStore(sim: SimHandle, label: (key: string) => string): StoreApi<LessonStore> {
  return createStore<LessonStore>()((set, get) => {
    /** Loads the stop's scenario if another is on screen, then jumps to its step: the real engine moves. */
    const moveTo = async (p: PlannedStop) => {
      const s = sim.get();
      if (atStop(s, p)) return;
      if (s.seed !== p.seed) await sim.actions.setSeed(p.seed);
      const now = sim.get();
      // After a free-run the timeline restarts where it was paused: only a reload gets back to step numbers.
      const loaded =
        now.custom === null &&
        now.scenarioName === p.scenario &&
        now.overrides.queueSize === null &&
        now.overrides.features === null &&
        now.sim?.origin === 'start';
      if (!loaded) await sim.actions.selectScenario(p.scenario);
      if (sim.get().sim?.view.step !== p.step) await sim.actions.jump(p.step);
    };

    const show = async (index: number, phase: LessonPhase, move = true) => {
      const plan = get().plan;
      if (!plan) return;
      const stop = plan[index];
      if (!stop) return;
      set({ index, phase, feedback: null, moving: move, comparison: null });
      if (move) {
        // Asking: the learner looks at the state before the stop, and guesses.
        await moveTo(phase === 'ask' ? askingAt(plan, index) : stop);
        if (get().plan !== plan || get().index !== index) return;
        set({ moving: false });
      }
      if (phase === 'shown' && stop.stop.compare) compare(stop.stop.compare, plan, index);
    };

    const compare = (spec: CompareSpec, plan: PlannedStop[], index: number) => {
      set({ comparison: { status: 'running' } });
      // Let the page paint "running" first: the runs are synchronous.
      setTimeout(() => {
        if (get().plan !== plan || get().index !== index) return;
        try {
          set({ comparison: { status: 'done', rows: runComparison(spec, label) } });
        } catch (e) {
          set({ comparison: { status: 'failed', message: errorText(e) } });
        }
      }, 0);
    };

    const revealWith = async (given: number | null) => {
      const { plan, index, phase } = get();
      const stop = plan?.[index];
      if (!plan || !stop?.stop.question || phase !== 'ask') return;
      await show(index, 'shown');
      const view = sim.get().sim?.view;
      if (!view || get().plan !== plan || get().index !== index) return;
      // Only the stop's own state answers its question (a load the main store refused leaves another on screen).
      if (!atStop(sim.get(), stop)) return;
      const q = stop.stop.question;
      set({ feedback: { given, answer: answerOf(q.answer, view, q.queue ?? 0) } });
    };

    return {
      ...CLOSED,
      openPicker: () => set({ pickerOpen: true }),
      closePicker: () => set({ pickerOpen: false }),
      start: async (lessonId) => {
        const lesson = lessonById(lessonId);
        if (!lesson) return;
        try {
          const plan = planLesson(lesson);
          set({ ...CLOSED, lessonId, plan });
          await show(0, 'shown');
        } catch (e) {
          set({ ...CLOSED, lessonId, planError: errorText(e) });
        }
      },
      resume: async (lessonId, index, ask, move) => {
        const lesson = lessonById(lessonId);
        if (!lesson) return;
        try {
          const plan = planLesson(lesson);
          const at = Math.min(Math.max(0, index), plan.length - 1);
          // The first stop has no state before it to ask at.
          const phase: LessonPhase = ask && at > 0 && plan[at]!.stop.question ? 'ask' : 'shown';
          set({ ...CLOSED, lessonId, plan, index: at, phase });
          await show(at, phase, move);
        } catch (e) {
          set({ ...CLOSED, lessonId, planError: errorText(e) });
        }
      },
      next: async () => {
        const { plan, index, phase } = get();
        if (!plan || get().moving) return;
        if (phase === 'ask') return revealWith(null);
        const to = index + 1;
        if (to >= plan.length) return;
        await show(to, plan[to]!.stop.question ? 'ask' : 'shown');
      },
      previous: async () => {
        const { plan, index } = get();
        if (!plan || get().moving) return;
        // From a question this is the stop it was asked at, whose state is already on screen.
        const to = index - 1;
        if (to < 0) return;
        await show(to, 'shown');
      },
      answer: (value) => revealWith(value),
      reveal: () => revealWith(null),
      resync: async () => {
        const { plan, index, phase } = get();
        if (!plan) return;
        await moveTo(phase === 'ask' ? askingAt(plan, index) : plan[index]!);
      },
      close: () => set({ ...CLOSED }),
    };
  });
}
