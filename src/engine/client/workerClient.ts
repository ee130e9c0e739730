import type { Breakpoint } from '../breakpoint';
import type { MachineCounters } from '../machine/machine';
import { SIG } from '../machine/signals';
import type { Scenario } from '../scenario/schema';
import type { RunTarget, StopReason } from '../session';
import type { Granularity } from '../step';
import { WorkerConductor, type SpawnWorker } from '../worker/conductor';
import { runUntilSliced, stateOf } from './localClient';
import type { SimulationClient, SimulationState } from './types';

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

  constructor(private readonly spawn: SpawnWorker) {}

  private get c(): WorkerConductor {
    if (!this.conductor) throw new Error('no scenario loaded');
    return this.conductor;
  }

  private state(): SimulationState {
    const state = stateOf(this.c.session, this.c.freeRunning, this.stopped);
    if (this.c.freeRunning && this.liveBase) {
      // The two sides' private state lives in the workers until the pause; memory and these counters are live.
      // The shared words count since the conductor started, so add what they gained to the counters at the start.
      const { counters, words } = this.liveBase;
      const gained = (word: number) => Atomics.load(this.c.signals, word) - words[word]!;
      state.view.counters = {
        ...counters,
        kicks: counters.kicks + gained(SIG.KICKS),
        interrupts: counters.interrupts + gained(SIG.INTERRUPTS),
        completed: counters.completed + gained(SIG.COMPLETED),
      };
      state.liveCounters = LIVE_COUNTERS;
    }
    return state;
  }

  async load(scenario: Scenario, seed: number): Promise<SimulationState> {
    this.dispose();
    this.conductor = await WorkerConductor.start(scenario, seed, this.spawn);
    this.stopped = null;
    return this.state();
  }
  async step(granularity: Granularity): Promise<SimulationState> {
    // Each step is taken live by the worker that owns the actor; the session decides when the stretch is done.
    const move = this.c.session.beginForward(granularity);
    while (move.next(await this.c.stepLive())) {
      /* the next step of the stretch */
    }
    this.stopped = this.c.session.lastStop;
    return this.state();
  }
  async back(granularity: Granularity): Promise<SimulationState> {
    this.stopped = null;
    this.c.session.back(granularity);
    return this.state();
  }
  async jump(step: number): Promise<SimulationState> {
    this.stopped = null;
    this.c.session.jump(step);
    return this.state();
  }
  async runUntil(target: RunTarget): Promise<SimulationState> {
    this.stopped = await runUntilSliced(this.c.session, target);
    return this.state();
  }
  async setBreakpoints(breakpoints: Breakpoint[]): Promise<SimulationState> {
    this.c.session.breakpoints = breakpoints;
    return this.state();
  }
  async play(onSample: (state: SimulationState) => void): Promise<void> {
    this.stopped = null;
    // The shared words only move once the workers run; the machine's counters are final once freeRun resolves.
    const words = this.c.signals.slice();
    await this.c.freeRun();
    this.liveBase = { counters: { ...this.c.session.machine.counters }, words };
    this.sampling = true;
    const frame = () => {
      if (!this.sampling || !this.conductor?.freeRunning) return;
      if (this.c.guestDone) {
        // The guest has finished: stop the workers and let the machine notice the end of the run.
        void this.pause().then(() => {
          this.stopped = this.c.session.runUntil('end', 100_000);
          onSample(this.state());
        });
        return;
      }
      onSample(this.state());
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }
  async pause(): Promise<SimulationState> {
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
