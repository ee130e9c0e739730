import { History, type HistoryOptions } from './history';
import { Machine, type MachineOptions, type RunEnd } from './machine/machine';
import type { Scenario } from './scenario/schema';
import type { Granularity, StepRecord } from './step';
import { STEP_FLAG, StepLog } from './stepLog';
import { fieldHolds, type Breakpoint } from './breakpoint';

export type RunTarget = 'kick' | 'interrupt' | 'completion' | 'error' | 'breakpoint' | 'end';
export type StopReason = RunTarget | 'limit';
/** Why a forward move stopped where it did, when not simply because the write, function or request was done. */
export type ForwardStop = 'breakpoint' | 'error' | 'end';

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
  /** Why the last forward() stopped: at a breakpoint or an error before its stretch was done, or at the run's end. */
  lastStop: ForwardStop | null = null;
  /** Which of `breakpoints` stopped the last forward() or runUntil(), or null. */
  lastBreakpoint: number | null = null;
  /** Where step 0 of the present history is: the start of the run, or the point where a free-run was paused. */
  origin: 'start' | 'free-run' = 'start';

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
    this.origin = 'free-run';
    this.machine.resetStepCount();
    this.history_ = new History(this.machine, this.historyOptions);
    this.log_ = new StepLog();
    this.current = null;
  }

  get step(): number {
    return this.machine.stepCount;
  }

  /** True once the run is over: nothing will ever move again (known as soon as the last step is taken). */
  get ended(): boolean {
    return this.runEnd() !== null;
  }

  /**
   * How the run ends, if the step just taken was its last; null while something can still move. The machine only
   * notices the end when asked for one more step, so this looks ahead without changing the run.
   */
  runEnd(): RunEnd | null {
    const m = this.machine;
    if (m.ended !== null) return m.peek() === null ? m.ended : null;
    if (m.midOperation !== null || m.runnable().length > 0) return null;
    // Nobody can move now. I/O in flight means time passes and the device moves again; otherwise ask the machine
    // to choose (it may let a thinking vCPU's time pass, or find the end), then put its state back.
    if (m.device.nextDue() !== null && !m.device.vdev.broken) return null;
    const saved = m.saveStateJSON(false);
    m.chooseNext();
    const end = m.ended;
    m.loadStateJSON(saved);
    return end;
  }

  /** Takes one step; null at the end of the run. */
  stepOnce(): StepRecord | null {
    const r = this.machine.step();
    if (r === null) return null;
    this.accept(r);
    return r;
  }

  /**
   * One write, one whole function, or until the next request completes. A longer stretch stops early at a step
   * that hits a breakpoint or reports an error; `lastStop` says why it stopped (also 'end' when the run is over).
   * Returns the steps taken.
   */
  forward(granularity: Granularity = 'write'): StepRecord[] {
    const move = this.beginForward(granularity);
    const taken: StepRecord[] = [];
    for (let go = true; go;) {
      const r = this.stepOnce();
      if (r) taken.push(r);
      go = move.next(r);
    }
    return taken;
  }

  /**
   * A forward move driven from outside, for a client whose steps are taken elsewhere (a worker): feed `next` each
   * step as it is accepted (null when none could be taken); it returns whether to take another. When it returns
   * false, `lastStop` and `lastBreakpoint` are set as forward() sets them.
   */
  beginForward(granularity: Granularity): { next(r: StepRecord | null): boolean } {
    this.lastStop = null;
    this.lastBreakpoint = null;
    const hits = this.breakpointWatch();
    let first: StepRecord | null = null;
    const stop = (why: ForwardStop | null): boolean => {
      this.lastStop = why ?? (this.runEnd() !== null ? 'end' : null);
      return false;
    };
    return {
      next: (r) => {
        if (r === null) return stop('end');
        first ??= r;
        const bp = hits(r);
        if (bp >= 0) {
          this.lastBreakpoint = bp;
          return stop('breakpoint');
        }
        // An error that ends the run is reported as the end, which says more.
        if (this.log.flag(r.index) & STEP_FLAG.error) return stop(this.runEnd() !== null ? 'end' : 'error');
        if (granularity === 'function') {
          const p = this.machine.peek();
          if (p && p.call === first.call && p.fn === first.fn) return true;
        } else if (granularity === 'request') {
          if (!r.events.some((e) => e.type === 'completed')) return true;
        }
        return stop(null);
      },
    };
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

  /**
   * Runs until a step with the target event (or a breakpoint, or the end); at most `limit` steps. Running again
   * with 'limit' returned carries on as if it had not stopped.
   */
  runUntil(target: RunTarget, limit = 1_000_000): StopReason {
    this.lastBreakpoint = null;
    const mask = TARGET_FLAGS[target] ?? 0;
    const hits = this.breakpointWatch();
    for (let n = 0; n < limit; n++) {
      const r = this.stepOnce();
      if (!r) return 'end';
      const bp = hits(r);
      if (mask && this.log.flag(r.index) & mask) return target;
      if (bp >= 0) {
        this.lastBreakpoint = bp;
        return 'breakpoint';
      }
    }
    return 'limit';
  }

  /**
   * Watches the breakpoints from the present state on: called with each step taken, returns the index of the first
   * breakpoint it hits, or -1. A condition (avail.idx == 5) hits at the step that makes it true, not at every step
   * while it stays true; a function at the first step of each call of it, at any depth (fn:virtqueue_add_sgs
   * stops at the first store its callees make), once per call even when the call goes on after other actors
   * moved (StepRecord.begins); a watch at every store that touches it.
   */
  private breakpointWatch(): (r: StepRecord) => number {
    const bps = this.breakpoints;
    if (bps.length === 0) return () => -1;
    const held = bps.map((bp) => bp.kind === 'field' && fieldHolds(this.machine, bp));
    // The calls the step before was part of: a function breakpoint hits where a call of it begins.
    let before = new Set((this.current?.frames ?? []).map((f) => f.call));
    return (r) => {
      let hit = -1;
      bps.forEach((bp, i) => {
        let now = false;
        if (bp.kind === 'field') {
          const holds = fieldHolds(this.machine, bp);
          now = holds && !held[i];
          held[i] = holds;
        } else if (bp.kind === 'function') {
          // Once per call: at its first step (a record without `begins`: where it is not in the step before's).
          const begins = r.begins;
          now =
            begins === undefined
              ? r.frames.some((f) => f.fn === bp.fn && !before.has(f.call))
              : r.frames.some((f, k) => k >= r.frames.length - begins && f.fn === bp.fn);
        } else {
          now = r.writes.some((w) => w.addr < bp.addr + bp.len && bp.addr < w.addr + w.new.length / 2);
        }
        if (now && hit < 0) hit = i;
      });
      before = new Set(r.frames.map((f) => f.call));
      return hit;
    };
  }
}
