import type { Breakpoint } from '../breakpoint';
import { SIG } from '../machine/signals';
import type { Scenario } from '../scenario/schema';
import type { RunTarget, StopReason } from '../session';
import type { Granularity } from '../step';
import { WorkerConductor, type SpawnWorker } from '../worker/conductor';
import { stateOf } from './localClient';
import type { SimulationClient, SimulationState } from './types';

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

  constructor(private readonly spawn: SpawnWorker) {}

  private get c(): WorkerConductor {
    if (!this.conductor) throw new Error('no scenario loaded');
    return this.conductor;
  }

  private state(): SimulationState {
    const state = stateOf(this.c.session, this.c.freeRunning, this.stopped);
    if (this.c.freeRunning) {
      // The two sides' private state lives in the workers until the pause; memory and these counters are live.
      const s = this.c.signals;
      state.view.counters = {
        ...state.view.counters,
        kicks: Atomics.load(s, SIG.KICKS),
        interrupts: Atomics.load(s, SIG.INTERRUPTS),
        completed: Atomics.load(s, SIG.COMPLETED),
      };
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
    this.stopped = null;
    await this.c.forward(granularity);
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
    this.stopped = this.c.session.runUntil(target);
    return this.state();
  }
  async setBreakpoints(breakpoints: Breakpoint[]): Promise<SimulationState> {
    this.c.session.breakpoints = breakpoints;
    return this.state();
  }
  async play(onSample: (state: SimulationState) => void): Promise<void> {
    await this.c.freeRun();
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
