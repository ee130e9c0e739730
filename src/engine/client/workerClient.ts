import type { Breakpoint } from '../breakpoint';
import type { MachineCounters } from '../machine/machine';
import { cpuSharePercent, SIG } from '../machine/signals';
import type { Scenario } from '../scenario/schema';
import type { RunTarget, StopReason } from '../session';
import type { Granularity, StepRecord } from '../step';
import { WorkerConductor, type SpawnWorker } from '../worker/conductor';
import { jumpSliced, runUntilSliced } from './localClient';
import { StateSnapshots } from './stateSnapshots';
import type { SimulationClient, SimulationState } from './types';

/** While the workers free-run, the page samples the full state (rings, memory, requests) this often (ms). */
export const FREE_RUN_VIEW_MS = 250;

/**
 * A free-run in which no worker has done anything for this long (ms) is stuck: every side waits for another (a lost
 * interrupt, a leaked descriptor). The page then stops it, as it does when the guest is done or a side gave up.
 */
export const FREE_RUN_STILL_MS = 1000;

/** The counters the page can sample while workers free-run (from the shared words). */
const LIVE_COUNTERS: readonly (keyof MachineCounters)[] = ['kicks', 'interrupts', 'completed'];

/**
 * The engine with the guest and each IOThread in their own Web Workers, sharing guest memory. Steps are taken
 * live by the worker that owns the actor; back, jump and run-until replay on this thread (deterministic, so
 * the result is the same) and the workers carry on from there. Free-run lets the workers loose; the page
 * samples guest memory and the shared counters each frame.
 */
export class WorkerClient implements SimulationClient {
  private conductor: WorkerConductor | null = null;
  private stopped: StopReason | null = null;
  private sampling = false;
  /** The machine's counters and the shared counting words when the free-run began. */
  private liveBase: { counters: MachineCounters; words: Int32Array } | null = null;
  private snapshots = new StateSnapshots();
  /**
   * Counts whatever may move guest memory: every command as it begins (so one that fails half way counts too),
   * and the run to the end after a free-run finishes by itself.
   */
  private moves = 0;
  /** `moves` when the last state's memory image was taken with nothing running; -1 when none was. */
  private imageAt = -1;

  constructor(private readonly spawn: SpawnWorker) {}

  private get c(): WorkerConductor {
    if (!this.conductor) throw new Error('no scenario loaded');
    return this.conductor;
  }

  /**
   * The counters while the workers free-run. The two sides' private state lives in the workers until the pause;
   * memory and these counters are live. The shared words count since the conductor started, so add what they
   * gained to the counters at the start.
   */
  private liveCounters(live: { counters: MachineCounters; words: Int32Array }): MachineCounters {
    const { counters, words } = live;
    const gained = (word: number) => Atomics.load(this.c.signals, word) - words[word]!;
    return {
      ...counters,
      kicks: counters.kicks + gained(SIG.KICKS),
      interrupts: counters.interrupts + gained(SIG.INTERRUPTS),
      completed: counters.completed + gained(SIG.COMPLETED),
    };
  }

  /** `steps`: the live steps taken since the last state, when nothing else has touched memory since it. */
  private state(steps: readonly StepRecord[] | null = null): SimulationState {
    const running = this.c.freeRunning;
    const live = running ? this.liveBase : null;
    const state = this.snapshots.take(
      this.c.session,
      running,
      this.stopped,
      (view) => {
        if (live) view.counters = this.liveCounters(live);
      },
      steps,
    );
    if (live) state.liveCounters = LIVE_COUNTERS;
    this.imageAt = running ? -1 : this.moves;
    return state;
  }

  /** Marks the start of a command (see `moves`); returns its number. */
  private begin(): number {
    return ++this.moves;
  }

  /** A free-run sample between two full ones: the last full state with fresh live counters. */
  private countersOnly(full: SimulationState): SimulationState {
    if (!this.liveBase) return full;
    return { ...full, view: { ...full.view, counters: this.liveCounters(this.liveBase) } };
  }

  async load(scenario: Scenario, seed: number): Promise<SimulationState> {
    this.begin();
    this.dispose();
    this.conductor = await WorkerConductor.start(scenario, seed, this.spawn);
    this.stopped = null;
    return this.state();
  }
  async step(granularity: Granularity): Promise<SimulationState> {
    // Each step is taken live by the worker that owns the actor; the session decides when the stretch is done.
    // Memory moves only by the steps' own writes (each is a store played back), so when it was as the last image
    // showed, the next image compares only the pages they wrote.
    // That holds when the last image was taken just before this command began and nothing else began since.
    const start = this.begin();
    const fromImage = this.imageAt === start - 1 && !this.c.freeRunning;
    const taken: StepRecord[] = [];
    const move = this.c.session.beginForward(granularity);
    for (;;) {
      const record = await this.c.stepLive();
      if (record) taken.push(record);
      if (!move.next(record)) break;
    }
    this.stopped = this.c.session.lastStop;
    return this.state(fromImage && this.moves === start ? taken : null);
  }
  async back(granularity: Granularity): Promise<SimulationState> {
    this.begin();
    this.stopped = null;
    this.c.session.back(granularity);
    return this.state();
  }
  async jump(step: number): Promise<SimulationState> {
    this.begin();
    this.stopped = null;
    await jumpSliced(this.c.session, step);
    return this.state();
  }
  async runUntil(target: RunTarget): Promise<SimulationState> {
    this.begin();
    this.stopped = await runUntilSliced(this.c.session, target);
    return this.state();
  }
  async setBreakpoints(breakpoints: Breakpoint[]): Promise<SimulationState> {
    this.begin();
    this.c.session.breakpoints = breakpoints;
    return this.state();
  }
  async play(onSample: (state: SimulationState) => void): Promise<void> {
    this.begin();
    this.stopped = null;
    // The shared words only move once the workers run; the machine's counters are final once freeRun resolves.
    const words = this.c.signals.slice();
    // The page draws the run on this thread: on a machine with few cores the workers leave it one.
    const cores = typeof navigator === 'undefined' ? 0 : (navigator.hardwareConcurrency ?? 0);
    await this.c.freeRun(cpuSharePercent(cores, this.c.workerCount));
    this.liveBase = { counters: { ...this.c.session.machine.counters }, words };
    this.sampling = true;
    let full: SimulationState | null = null;
    let fullAt = -Infinity;
    let operations = this.c.operations;
    let stillSince: number | null = null;
    const frame = (now: number) => {
      if (!this.sampling || !this.conductor?.freeRunning) return;
      if (this.c.operations !== operations || stillSince === null) {
        operations = this.c.operations;
        stillSince = now;
      }
      const stuck = now - stillSince >= FREE_RUN_STILL_MS;
      if (this.c.guestDone || this.c.gaveUp || stuck) {
        // The guest has finished, a side gave up (NEEDS_RESET, a refused used element), or every side waits on
        // another: stop the workers and let the machine take the last steps to the end of the run, on this thread.
        // A run taken for stuck that is only starved of CPU is not run on far: it stays paused where it is.
        void this.pause().then(() => {
          this.moves++;
          this.stopped = this.c.session.runUntil('end', stuck ? 10_000 : 100_000);
          onSample(this.state());
        });
        return;
      }
      // Decoding the rings and copying the changed pages of memory for a big queue costs a good part of a frame:
      // the full state is sampled FREE_RUN_VIEW_MS apart, the counters (from the shared words) every frame.
      if (full === null || now - fullAt >= FREE_RUN_VIEW_MS) {
        full = this.state();
        fullAt = now;
        onSample(full);
      } else {
        onSample(this.countersOnly(full));
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }
  async pause(): Promise<SimulationState> {
    this.begin();
    this.sampling = false;
    await this.c.pause();
    return this.state();
  }
  dispose(): void {
    this.sampling = false;
    this.conductor?.terminate();
    this.conductor = null;
  }
}
