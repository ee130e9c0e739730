import type { Session, StopReason } from '../session';
import { STEP_FLAG, type StepLog } from '../stepLog';
import type { MachineView } from '../view';
import { ViewBuilder } from '../viewBuilder';
import type { StepRecord } from '../step';
import { MemorySnapshotter, type WrittenRange } from './memoryImage';
import { shareStructure } from './shareStructure';
import type { SimulationState, TimelineData } from './types';

/** Marks of each kind the timeline gets at most (the first ones of the run). */
export const TIMELINE_MAX_MARKS = 5000;

const LANES: readonly [Exclude<keyof TimelineData, 'length'>, number][] = [
  ['kicks', STEP_FLAG.kick],
  ['interrupts', STEP_FLAG.interrupt],
  ['completions', STEP_FLAG.completion],
  ['errors', STEP_FLAG.error | STEP_FLAG.lost],
  ['suppressed', STEP_FLAG.kickSuppressed | STEP_FLAG.interruptSuppressed],
];

/** The steps that show the events of these log entries: log[j] is the (j+1)-th step, so step j+1 shows it. */
export function stepsShowing(logIndices: readonly number[]): number[] {
  return logIndices.map((j) => j + 1);
}

/**
 * The timeline of a run, kept up to date by scanning only the steps logged since the last call: the step log is
 * append-only (a replay leaves logged steps as they are; a new run or a free-run's pause starts a new log).
 * Unchanged lanes, and the whole object when nothing was logged, keep their identity.
 */
export class TimelineCache {
  private log: StepLog | null = null;
  private data: TimelineData | null = null;

  constructor(private readonly max = TIMELINE_MAX_MARKS) {}

  of(log: StepLog): TimelineData {
    const fresh = log !== this.log || this.data === null || log.length < this.data.length;
    const from = fresh ? 0 : this.data!.length;
    if (!fresh && from === log.length) return this.data!;
    const next = { length: log.length } as TimelineData;
    for (const [lane, mask] of LANES) {
      const had = fresh ? [] : this.data![lane];
      const room = this.max - had.length;
      const found = room > 0 ? stepsShowing(log.find(mask, from, log.length, room)) : [];
      next[lane] = found.length === 0 && !fresh ? had : had.concat(found);
    }
    this.log = log;
    this.data = next;
    return next;
  }
}

/** The byte ranges the steps wrote. */
export function writtenBy(steps: readonly StepRecord[]): WrittenRange[] {
  const out: WrittenRange[] = [];
  for (const r of steps) for (const w of r.writes) out.push({ addr: w.addr, len: w.new.length >> 1 });
  return out;
}

/**
 * Builds the SimulationState of a client's session after each command, as cheaply as it can: guest memory as a
 * MemoryImage that shares unchanged pages with the previous one (after live steps, only the pages they wrote are
 * compared), the MachineView decoded (only the ring entries whose bytes changed are read again, see ViewBuilder)
 * and structurally shared with the previous view (an unchanged queue, descriptor or ring keeps its identity, so
 * memoised components skip it), and the timeline extended by the new steps only.
 */
export class StateSnapshots {
  private readonly memory = new MemorySnapshotter();
  private readonly timeline = new TimelineCache();
  private readonly views = new ViewBuilder();
  private view: MachineView | null = null;

  /**
   * `patch` may adjust the freshly decoded view (e.g. live counters) before it is shared with the last one.
   * `steps`, when given, promises that since the last take guest memory changed only by these steps' writes (the
   * client took them, and nothing else ran): the memory image then compares only the pages they wrote.
   */
  take(
    session: Session,
    running: boolean,
    stopped: StopReason | null,
    patch?: (view: MachineView) => void,
    steps: readonly StepRecord[] | null = null,
  ): SimulationState {
    const fresh = this.views.describe(session.machine, this.view);
    // The machine notices its end only when asked for another step; the page should show it at the last step.
    if (!running && fresh.ended === null) fresh.ended = session.runEnd();
    patch?.(fresh);
    const view = shareStructure(this.view, fresh);
    this.view = view;
    return {
      view,
      current: session.current,
      memory: this.memory.take(session.machine.mem.buffer, steps && writtenBy(steps)),
      timeline: this.timeline.of(session.log),
      running,
      stopped,
      breakpoint: stopped === 'breakpoint' ? session.lastBreakpoint : null,
      origin: session.origin,
      liveCounters: null,
    };
  }
}
