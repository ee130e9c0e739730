import { History, type HistoryOptions } from './history';
import { Machine, type MachineOptions } from './machine/machine';
import type { Scenario } from './scenario/schema';
import type { Granularity, StepRecord } from './step';
import { STEP_FLAG, StepLog } from './stepLog';
import { fieldHolds, type Breakpoint } from './breakpoint';

export type RunTarget = 'kick' | 'interrupt' | 'completion' | 'error' | 'breakpoint' | 'end';
export type StopReason = RunTarget | 'limit';

const TARGET_FLAGS: Partial<Record<RunTarget, number>> = {
  kick: STEP_FLAG.kick,
  interrupt: STEP_FLAG.interrupt,
  completion: STEP_FLAG.completion,
  error: STEP_FLAG.error,
};

/**
 * A run being explored: the machine, its history for time travel, a compact log of every step for the timeline,
 * and breakpoints. Step, back and jump by write, function or request; run until an event or a breakpoint.
 * Everything here is synchronous and pure; the UI and the CLI drive it.
 */
export class Session {
  readonly machine: Machine;
  breakpoints: Breakpoint[] = [];
  /** The step that led to the current state (null at step 0). */
  current: StepRecord | null = null;

  private history_: History;
  private readonly historyOptions: HistoryOptions;
  private log_ = new StepLog();

  constructor(
    readonly scenario: Scenario,
    readonly seed: number,
    historyOptions: HistoryOptions = {},
    machineOptions: Omit<MachineOptions, 'scenario' | 'seed'> = {},
  ) {
    this.machine = new Machine({ scenario, seed, ...machineOptions });
    this.historyOptions = historyOptions;
    this.history_ = new History(this.machine, historyOptions);
  }

  get history(): History {
    return this.history_;
  }

  get log(): StepLog {
    return this.log_;
  }

  /** Bookkeeping for a step the machine took elsewhere (a worker stepped it and the state was loaded back). */
  accept(record: StepRecord): void {
    this.history_.afterStep();
    this.log_.record(record);
    this.current = record;
  }

  /**
   * Starts a new history at the present state: after a free-run, which no replay can reproduce, the timeline
   * begins again here (step 0) and time travel reaches back to this point only.
   */
  rebase(): void {
    this.machine.resetStepCount();
    this.history_ = new History(this.machine, this.historyOptions);
    this.log_ = new StepLog();
    this.current = null;
  }

  get step(): number {
    return this.machine.stepCount;
  }

  get ended(): boolean {
    return this.machine.ended !== null && this.machine.peek() === null;
  }

  /** Takes one step; null at the end of the run. */
  stepOnce(): StepRecord | null {
    const r = this.machine.step();
    if (r === null) return null;
    this.accept(r);
    return r;
  }

  /** One write, one whole function, or until the next request completes. Returns the steps taken. */
  forward(granularity: Granularity = 'write'): StepRecord[] {
    const taken: StepRecord[] = [];
    const first = this.stepOnce();
    if (!first) return taken;
    taken.push(first);
    if (granularity === 'function') {
      for (let p = this.machine.peek(); p && p.call === first.call && p.fn === first.fn; p = this.machine.peek()) {
        taken.push(this.stepOnce()!);
      }
    } else if (granularity === 'request') {
      let last = first;
      while (!last.events.some((e) => e.type === 'completed')) {
        const r = this.stepOnce();
        if (!r) break;
        taken.push(r);
        last = r;
      }
    }
    return taken;
  }

  /** Back one write, to the start of the function the last step was in, or to just after the previous completion. */
  back(granularity: Granularity = 'write'): void {
    const k = this.step;
    if (k === 0) return;
    let target = k - 1;
    if (granularity === 'function') target = this.log.functionStart(k - 1);
    else if (granularity === 'request') {
      const lastDone = this.log.lastWith(STEP_FLAG.completion, k - 1);
      target = lastDone < 0 ? 0 : lastDone + 1;
    }
    this.jump(target);
  }

  /** Puts the run at step k (time travel): restores the nearest checkpoint and replays. */
  jump(k: number): number {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`cannot jump to step ${k}`);
    if (k === 0) {
      this.history.jump(0);
      this.current = null;
      return 0;
    }
    // The record of step k-1 is what led to step k: land one short of k and take it.
    if (this.land(k - 1) === k - 1 && this.stepOnce()) return this.step;
    // The run ended before step k: stay at its end, with the step that led there as `current`.
    const end = this.step;
    if (end === 0) {
      this.current = null;
      return 0;
    }
    this.land(end - 1);
    this.stepOnce();
    return this.step;
  }

  /**
   * Puts the machine at step `target`. Steps taken before are replayed from a checkpoint; steps never taken
   * are taken through stepOnce, so the step log and the checkpoints see them too.
   */
  private land(target: number): number {
    const known = this.log.length;
    if (target <= known) return this.history.jump(target);
    this.history.jump(known);
    while (this.step < target && this.stepOnce()) {
      /* running on past the furthest step so far */
    }
    return this.step;
  }

  /** Runs until a step with the target event (or a breakpoint, or the end); at most `limit` steps. */
  runUntil(target: RunTarget, limit = 1_000_000): StopReason {
    const mask = TARGET_FLAGS[target] ?? 0;
    for (let n = 0; n < limit; n++) {
      const r = this.stepOnce();
      if (!r) return 'end';
      if (mask && this.log.flag(r.index) & mask) return target;
      if (this.breakpoints.length > 0 && this.hitsBreakpoint(r)) return 'breakpoint';
    }
    return 'limit';
  }

  private hitsBreakpoint(r: StepRecord): boolean {
    for (const bp of this.breakpoints) {
      if (bp.kind === 'function' && r.fn === bp.fn) return true;
      if (
        bp.kind === 'watch' &&
        r.writes.some((w) => w.addr < bp.addr + bp.len && bp.addr < w.addr + w.new.length / 2)
      ) {
        return true;
      }
      if (bp.kind === 'field' && fieldHolds(this.machine, bp)) return true;
    }
    return false;
  }
}
