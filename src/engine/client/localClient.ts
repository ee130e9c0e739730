import type { Breakpoint } from '../breakpoint';
import type { Scenario } from '../scenario/schema';
import { Session, type RunTarget, type StopReason } from '../session';
import type { Granularity } from '../step';
import { STEP_FLAG } from '../stepLog';
import { StateSnapshots, stepsShowing } from './stateSnapshots';
import type { SimulationClient, SimulationState, TimelineData } from './types';

/** Steps per animation frame in free-run on the page's thread. */
const FREE_RUN_BATCH = 2000;
/** Steps a run-until takes between two chances for the page to paint and handle input. */
const RUN_SLICE = 2000;
/** The most steps one run-until takes before it gives up ('limit'). */
const RUN_LIMIT = 1_000_000;

/** Steps a jump past the furthest step so far takes between two chances for the page to paint. */
const JUMP_SLICE = 2000;

/**
 * Session.jump, but a jump past the furthest step the run has reached (a link deep into a run just loaded) runs
 * on in slices, handing the thread back to the page between them; jumps within the run so far replay at most a
 * checkpoint interval and go at once.
 */
export async function jumpSliced(session: Session, target: number): Promise<void> {
  while (target > session.log.length + JUMP_SLICE) {
    const next = session.log.length + JUMP_SLICE;
    // The run ended before it: the jump below lands at its end.
    if (session.jump(next) < next) break;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  session.jump(target);
}

/** Session.runUntil in slices, handing the thread back to the page between them, so a long run does not freeze it. */
export async function runUntilSliced(session: Session, target: RunTarget): Promise<StopReason> {
  for (let done = 0; done < RUN_LIMIT; done += RUN_SLICE) {
    const why = session.runUntil(target, Math.min(RUN_SLICE, RUN_LIMIT - done));
    if (why !== 'limit') return why;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return 'limit';
}

export function timelineOf(session: Session, max = 5000): TimelineData {
  const log = session.log;
  const at = (mask: number) => stepsShowing(log.find(mask, 0, log.length, max));
  return {
    length: log.length,
    kicks: at(STEP_FLAG.kick),
    interrupts: at(STEP_FLAG.interrupt),
    completions: at(STEP_FLAG.completion),
    errors: at(STEP_FLAG.error | STEP_FLAG.lost),
    suppressed: at(STEP_FLAG.kickSuppressed | STEP_FLAG.interruptSuppressed),
  };
}

/**
 * The state of a session. A client passes its own StateSnapshots, so each state shares what did not change with
 * the one before; without one, the state stands alone.
 */
export function stateOf(
  session: Session,
  running: boolean,
  stopped: StopReason | null,
  snapshots: StateSnapshots = new StateSnapshots(),
): SimulationState {
  return snapshots.take(session, running, stopped);
}

/** The whole engine on the calling thread: for tests, and for pages that cannot start workers. */
export class LocalClient implements SimulationClient {
  private session: Session | null = null;
  private stopped: StopReason | null = null;
  private playing = false;
  private snapshots = new StateSnapshots();

  private get s(): Session {
    if (!this.session) throw new Error('no scenario loaded');
    return this.session;
  }

  private state(): SimulationState {
    return stateOf(this.s, this.playing, this.stopped, this.snapshots);
  }

  async load(scenario: Scenario, seed: number): Promise<SimulationState> {
    this.session = new Session(scenario, seed);
    this.stopped = null;
    return this.state();
  }
  async step(granularity: Granularity): Promise<SimulationState> {
    this.s.forward(granularity);
    this.stopped = this.s.lastStop;
    return this.state();
  }
  async back(granularity: Granularity): Promise<SimulationState> {
    this.stopped = null;
    this.s.back(granularity);
    return this.state();
  }
  async jump(step: number): Promise<SimulationState> {
    this.stopped = null;
    await jumpSliced(this.s, step);
    return this.state();
  }
  async runUntil(target: RunTarget): Promise<SimulationState> {
    this.stopped = await runUntilSliced(this.s, target);
    return this.state();
  }
  async setBreakpoints(breakpoints: Breakpoint[]): Promise<SimulationState> {
    this.s.breakpoints = breakpoints;
    return this.state();
  }
  async play(onSample: (state: SimulationState) => void): Promise<void> {
    this.playing = true;
    this.stopped = null;
    const tick = () => {
      if (!this.playing || !this.session) return;
      for (let i = 0; i < FREE_RUN_BATCH; i++) {
        if (!this.s.stepOnce()) {
          this.playing = false;
          this.stopped = 'end';
          break;
        }
      }
      onSample(this.state());
      if (this.playing) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  async pause(): Promise<SimulationState> {
    this.playing = false;
    return this.state();
  }
  dispose(): void {
    this.playing = false;
    this.session = null;
  }
}
