import { SIG, createSignals } from '../machine/signals';
import type { SavedMachine } from '../machine/machine';
import type { Scenario } from '../scenario/schema';
import { Session } from '../session';
import type { ActorId, StepRecord } from '../step';
import { mergeFreeRun } from './merge';
import type { FromWorker, Port, SharedBuffers, ToWorker } from './protocol';
import { STATE_BUFFER_BYTES } from './stateBuffer';
import { fromWire, toWire } from './wireState';

export interface WorkerHandle extends Port {
  terminate(): void;
  /** Called when the worker dies (an uncaught error, or it failed to load). */
  onError(listener: (message: string) => void): void;
}
export type SpawnWorker = (name: string) => WorkerHandle;

interface Member {
  name: string;
  actors: ActorId[];
  handle: WorkerHandle;
  waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[];
}

/**
 * Runs a scenario with the guest in one worker and each IOThread in its own, all over one guest memory. Live
 * steps are taken by the worker that owns the actor; the conductor keeps a Session over the same shared buffers
 * for time travel (replaying locally, with no worker round trips) and for the UI to read. Free-run lets the
 * workers loose and merges their halves back into one consistent state on pause.
 */
export class WorkerConductor {
  readonly session: Session;
  readonly buffers: SharedBuffers;
  readonly signals: Int32Array;
  private readonly members: Member[];
  private freeRunBase: SavedMachine | null = null;
  /**
   * The worker whose machine equals the conductor's: the one whose reply was loaded last, as long as the
   * conductor's machine still holds that state (same state object, same step). Its next step needs no state sent.
   */
  private synced: { member: Member; state: object; step: number } | null = null;
  private dead: string | null = null;

  private constructor(scenario: Scenario, seed: number, spawn: SpawnWorker) {
    if (typeof SharedArrayBuffer === 'undefined') {
      throw new Error('SharedArrayBuffer is not available: the page must be cross-origin isolated (COOP/COEP headers)');
    }
    const signals = createSignals(scenario.queue.count);
    this.buffers = {
      memory: new SharedArrayBuffer(scenario.guest.memory),
      disk: new SharedArrayBuffer(scenario.device.capacity * 512),
      state: new SharedArrayBuffer(STATE_BUFFER_BYTES),
      signals: signals.buffer as SharedArrayBuffer,
    };
    this.signals = signals;
    this.session = new Session(
      scenario,
      seed,
      {},
      { memoryBuffer: this.buffers.memory, diskBuffer: this.buffers.disk },
    );
    const vcpus = Array.from({ length: scenario.queue.count }, (_, q) => `vcpu${q}` as ActorId);
    const groups: { name: string; actors: ActorId[] }[] = [
      { name: 'guest', actors: [...vcpus, 'irq'] },
      ...Array.from({ length: scenario.device.iothreads }, (_, t) => ({
        name: `iothread${t}`,
        actors: [`iothread${t}` as ActorId],
      })),
    ];
    this.members = groups.map((g) => {
      const member: Member = { ...g, handle: spawn(g.name), waiting: [] };
      member.handle.onMessage((raw) => {
        const m = raw as FromWorker;
        const w = member.waiting.shift();
        if (!w) return;
        if (m.type === 'error') w.reject(new Error(`${member.name} worker: ${m.message}`));
        else w.resolve(m);
      });
      member.handle.onError((message) => this.die(`${member.name} worker died: ${message}`));
      return member;
    });
  }

  /** Starts the workers and waits until each has built its view of the machine. */
  static async start(scenario: Scenario, seed: number, spawn: SpawnWorker): Promise<WorkerConductor> {
    const c = new WorkerConductor(scenario, seed, spawn);
    await Promise.all(
      c.members.map((m) =>
        c.call(m, { type: 'init', scenario, seed, buffers: c.buffers, actors: m.actors, name: m.name }),
      ),
    );
    return c;
  }

  get workerNames(): string[] {
    return this.members.map((m) => m.name);
  }

  /** One step, taken by the worker that owns the actor whose turn it is. */
  async stepLive(): Promise<StepRecord | null> {
    const machine = this.session.machine;
    const actor = machine.chooseNext();
    if (actor === null) return null;
    const owner = this.members.find((m) => m.actors.includes(actor));
    if (!owner) throw new Error(`no worker owns ${actor}`);
    // The state travels with the request and the reply as a structured clone, which copies typed arrays as bytes:
    // several times cheaper than the JSON text the state buffer holds (that stays for free-run).
    // postMessage clones the state as it is sent, and the reply's state is this thread's own: no extra copies.
    // A worker that holds this very state already (it took the last step, nothing moved since) gets none.
    const s = this.synced;
    const inSync = s !== null && s.member === owner && s.state === machine.stateObject && s.step === machine.stepCount;
    this.synced = null;
    const reply = await this.call(
      owner,
      inSync ? { type: 'step', own: { actor } } : { type: 'step', state: toWire(machine.savePlain(true, false)) },
    );
    if (reply.type !== 'stepped') throw new Error(`${owner.name}: unexpected reply ${reply.type}`);
    if (reply.playback) machine.loadPlayback(reply.playback);
    else if (reply.device) machine.loadDevicePart(reply.device);
    else if (reply.state) machine.loadPlain(fromWire(reply.state), false);
    else throw new Error(`${owner.name}: a step reply without the state after it`);
    if (reply.record) this.session.accept(reply.record);
    this.synced = { member: owner, state: machine.stateObject, step: machine.stepCount };
    return reply.record;
  }

  /** How many workers a free-run keeps busy: the guest's and one per IOThread. */
  get workerCount(): number {
    return this.members.length;
  }

  /**
   * Lets every worker run free; resolves once they are all running. `cpuShare` (percent of a core, 0 for no limit)
   * caps how busy each worker keeps its core, for a page that must keep drawing (see cpuSharePercent).
   */
  async freeRun(cpuShare = 0): Promise<void> {
    const machine = this.session.machine;
    if (machine.midOperation) {
      // Finish the operation being played out first: free-run starts at an operation boundary.
      while (machine.midOperation) await this.stepLive();
    }
    this.synced = null;
    this.freeRunBase = machine.savePlain();
    // A copy taken now, as the state buffer's JSON was: each worker gets it as a structured clone (no JSON text).
    const state = structuredClone(this.freeRunBase);
    Atomics.store(this.signals, SIG.STOP, 0);
    Atomics.store(this.signals, SIG.GUEST_DONE, 0);
    Atomics.store(this.signals, SIG.GAVE_UP, 0);
    Atomics.store(this.signals, SIG.CPU_SHARE, cpuShare);
    machine.beginFreeRun(this.signals, true);
    this.pausing = Promise.all(this.members.map((m) => this.call(m, { type: 'free-run', state })));
  }

  private pausing: Promise<FromWorker[]> | null = null;

  get freeRunning(): boolean {
    return this.pausing !== null;
  }

  /** True once the guest has finished its workload during a free-run. */
  get guestDone(): boolean {
    return Atomics.load(this.signals, SIG.GUEST_DONE) !== 0;
  }

  /** True once a side has given up during a free-run (see SIG.GAVE_UP): nothing more will complete. */
  get gaveUp(): boolean {
    return Atomics.load(this.signals, SIG.GAVE_UP) !== 0;
  }

  /** Operations done by all workers since they were started: still while every side waits on the other. */
  get operations(): number {
    return Atomics.load(this.signals, SIG.OPS);
  }

  /** Stops every worker at an operation boundary and merges their state; stepping continues from there. */
  async pause(): Promise<void> {
    if (!this.pausing || !this.freeRunBase) return;
    Atomics.store(this.signals, SIG.STOP, 1);
    Atomics.notify(this.signals, SIG.KICK_SEQ);
    Atomics.notify(this.signals, SIG.IRQ_SEQ);
    // A worker pausing for its CPU share sleeps on STOP.
    Atomics.notify(this.signals, SIG.STOP);
    const replies = await this.pausing;
    this.pausing = null;
    const parts = replies.map((r, i) => {
      if (r.type !== 'paused') throw new Error(`${this.members[i]!.name}: unexpected reply ${r.type}`);
      return r.part;
    });
    const guestIndex = this.members.findIndex((m) => m.name === 'guest');
    const devices = this.members
      .map((m, i) => ({ m, part: parts[i]! }))
      .filter(({ m }) => m.name !== 'guest')
      .map(({ m, part }) => ({
        part,
        queues: this.session.machine.queueSizes
          .map((_, q) => q)
          .filter((q) => q % this.session.scenario.device.iothreads === Number(m.name.slice('iothread'.length))),
      }));
    const merged = mergeFreeRun(this.freeRunBase, parts[guestIndex]!, devices);
    const machine = this.session.machine;
    machine.loadPlain(merged);
    machine.endFreeRun(); // takes the doorbells and interrupt lines from the shared words
    machine.rematch();
    this.session.rebase();
    this.freeRunBase = null;
  }

  terminate(): void {
    Atomics.store(this.signals, SIG.STOP, 1);
    Atomics.notify(this.signals, SIG.KICK_SEQ);
    Atomics.notify(this.signals, SIG.IRQ_SEQ);
    for (const m of this.members) m.handle.terminate();
  }

  private call(member: Member, message: ToWorker): Promise<FromWorker> {
    if (this.dead) return Promise.reject(new Error(this.dead));
    return new Promise((resolve, reject) => {
      member.waiting.push({ resolve, reject });
      member.handle.postMessage(message);
    });
  }

  private die(message: string): void {
    this.dead = message;
    for (const m of this.members) for (const w of m.waiting.splice(0)) w.reject(new Error(message));
  }
}
