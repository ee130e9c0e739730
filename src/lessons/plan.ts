import { parseBreakpoint, type Breakpoint } from '../engine/breakpoint';
import { builtinScenario } from '../engine/scenario/builtin';
import { Session } from '../engine/session';
import { describe, type MachineView } from '../engine/view';
import type { Lesson, PlannedStop, Stop, StopTarget } from './types';

/** At most this many steps between two stops: a target the run never meets fails fast instead of spinning. */
export const STOP_LIMIT = 200_000;

export class LessonPlanError extends Error {
  constructor(lesson: Lesson, stop: Stop, why: string) {
    super(`lesson ${lesson.id}, stop ${stop.id}: ${why}`);
    this.name = 'LessonPlanError';
  }
}

const timesOf = (t: { times?: number }): number => t.times ?? 1;

/** Runs to a breakpoint with the session's own machinery; false when the run ends first. */
function runToBreakpoint(session: Session, bp: Breakpoint): boolean {
  session.breakpoints = [bp];
  try {
    return session.runUntil('breakpoint', STOP_LIMIT) === 'breakpoint';
  } finally {
    session.breakpoints = [];
  }
}

/** Moves the session from where it is to the target; returns why it could not, or null. */
function reach(session: Session, target: StopTarget): string | null {
  if ('start' in target) {
    if (session.step !== 0) return 'start is only for a stop that loads a scenario';
  } else if ('steps' in target) {
    for (let n = 0; n < target.steps; n++)
      if (!session.stepOnce()) return `the run ends after ${n} of ${target.steps} steps`;
  } else if ('run' in target) {
    for (let n = 0; n < timesOf(target); n++) {
      const got = session.runUntil(target.run, STOP_LIMIT);
      if (got !== target.run) return `run to ${target.run} #${n + 1} stopped at ${got}`;
    }
  } else if ('event' in target) {
    for (let n = 0; n < timesOf(target); n++) {
      let found = false;
      for (let k = 0; k < STOP_LIMIT && !found; k++) {
        const r = session.stepOnce();
        if (!r) return `no step with a ${target.event} event (#${n + 1})`;
        found = r.events.some((e) => e.type === target.event);
      }
      if (!found) return `no ${target.event} event within ${STOP_LIMIT} steps`;
    }
  } else if ('fn' in target) {
    for (let n = 0; n < timesOf(target); n++)
      if (!runToBreakpoint(session, { kind: 'function', fn: target.fn })) return `no call of ${target.fn} (#${n + 1})`;
  } else {
    const bp = parseBreakpoint(target.when);
    if (bp.kind !== 'field') return `"${target.when}" is not a condition`;
    if (!runToBreakpoint(session, bp)) return `"${target.when}" never becomes true`;
  }
  for (let n = 0; n < (target.then ?? 0); n++) if (!session.stepOnce()) return 'the run ends during then';
  return null;
}

export interface PlanOptions {
  /** Called at each stop with the state the stop shows (tests check answers and highlights against it). */
  onStop?: (planned: PlannedStop, view: MachineView) => void;
}

/**
 * Resolves every stop of a lesson to a (scenario, seed, step) by running the real engine from the lesson's
 * start: the player then jumps the visualizer to exactly that step. Deterministic (scenario and seed fix the
 * run), so the plan is the same wherever it is made. Throws LessonPlanError for a stop the run never reaches.
 */
export function planLesson(lesson: Lesson, options: PlanOptions = {}): PlannedStop[] {
  let session: Session | null = null;
  let current = lesson.scenario;
  const planned: PlannedStop[] = [];
  lesson.stops.forEach((stop, i) => {
    if (i === 0 || stop.scenario) {
      current = stop.scenario ?? current;
      const scenario = builtinScenario(current.name);
      if (!scenario) throw new LessonPlanError(lesson, stop, `no built-in scenario "${current.name}"`);
      session = new Session(scenario, current.seed ?? 1);
    }
    const s = session!;
    const why = reach(s, stop.target);
    if (why !== null) throw new LessonPlanError(lesson, stop, why);
    const p: PlannedStop = { stop, scenario: current.name, seed: current.seed ?? 1, step: s.step };
    planned.push(p);
    options.onStop?.(p, describe(s.machine));
  });
  return planned;
}
