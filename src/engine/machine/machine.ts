import { AllocationMap, type Region } from '../../virtio/allocationMap';
import { GuestMemory } from '../../virtio/guestMemory';
import { hasFeature, type FeatureSet } from '../../virtio/features';
import { VIRTIO_RING_F_EVENT_IDX } from '../../virtio/constants';
import { DiskImage } from '../../devices/blk/disk';
import { VirtIOBlock } from '../../devices/blk/device';
import type { VirtioBlk } from '../../devices/blk/driver';
import type { BlkReqRecord } from '../../devices/blk/deviceTypes';
import { virtblk_probe } from '../../devices/blk/probe';
import type { Scenario } from '../scenario/schema';
import type { MachineImages, MachineSnapshot, Replayable } from '../snapshot';
import { message } from '../messages';
import type { ActorId, StepRecord } from '../step';
import { OperationCapture, framesOf, type CallTree, type CapturedItem } from './capture';
import { featureSetOf } from './features';
import { isGuestActor, pickActor } from './policy';
import { Workload, writePattern } from './workload';
import { FaultInjector } from './faults';
import { dropVirtioWmb } from './missingBarrier';
import { DataModel } from './dataModel';
import { SIG } from './signals';
import { advanceStages, type ShownStages } from './requestStages';
import type { RequestView } from '../view';
import { parseCheckpoint, stringifyCheckpoint } from './checkpointJson';
import {
  initialMachineState,
  type MachineCounters,
  type MachineState,
  type PlayingOperation,
  type RunEnd,
  type SavedMachine,
} from './machineState';
import { collectLines, publishLines, readDoorbell, readIrq, writeDoorbell, writeIrq } from './signalLines';
import {
  RECENT_DONE,
  doneRequestView,
  findRecord,
  liveRequestView,
  movableStages,
  privateStages,
} from './requestViews';
import { matchPopped, rematchPopped } from './popMatching';
import { onKick, wireCallbacks, type CallbackHost } from './callbacks';
import { DeviceSteps } from './deviceSteps';
import { blkDeviceOptions } from './deviceSetup';
import { noteNewErrors, noteSegmentReads } from './operationNotes';
import { actorIds, contenders, resumedStages, servesQueue } from './scheduling';
import { heldKick, inBarrierWindow, playItem, topFunction } from './playback';
import {
  PrivateTracker,
  advanceShown,
  shownCounters,
  shownRegions,
  unshownErrors,
  type DriverQueueShown,
  type PrivateShown,
  type PrivateSources,
} from './privateState';
import type { VirtQueueState } from '../../virtio/device/virtQueueState';
import type { VirtioError } from '../../virtio/errors';

export type { MachineCounters, RunEnd, SavedMachine } from './machineState';

export interface MachineOptions {
  scenario: Scenario;
  seed?: number;
  /** Guest memory to work in (shared with other workers); a new buffer when left out. */
  memoryBuffer?: SharedArrayBuffer | ArrayBuffer;
  /** The disk image's buffer, likewise. */
  diskBuffer?: SharedArrayBuffer | ArrayBuffer;
}

/**
 * One virtio-blk guest and device, stepped deterministically. Actors: one submitter per vCPU (vCPU q uses queue
 * q), the guest's interrupt handler, and the device's IOThreads (queue q is served by IOThread q mod n). Each
 * actor move runs one real function whole; its stores are then played into memory one step at a time (see
 * OperationCapture), so stepping can go a store, a function or a request at a time and memory always matches
 * the step shown. Kicks and interrupts are doorbells the other side sees at its next move.
 */
export class Machine implements Replayable {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly mem: GuestMemory;
  readonly disk: DiskImage;
  readonly alloc: AllocationMap;
  readonly device: VirtIOBlock;
  readonly driver: VirtioBlk;
  readonly features: FeatureSet;
  readonly actors: readonly ActorId[];
  readonly queueSizes: number[];
  private readonly capture: OperationCapture;
  private readonly workloads: Workload[];
  private readonly faults: FaultInjector;
  private readonly data: DataModel;
  private s: MachineState;
  private readonly hooks: CallbackHost;
  private readonly privateSources: PrivateSources;
  /** Called with every step record as it is made (the CLI's jsonl output, the UI's trace). */
  onStep: ((record: StepRecord) => void) | null = null;

  constructor(opts: MachineOptions) {
    const scenario = opts.scenario;
    this.scenario = scenario;
    this.seed = opts.seed ?? 1;
    const queues = scenario.queue.count;
    const startIdx = scenario.queue.startIndex;
    if (opts.memoryBuffer && opts.memoryBuffer.byteLength !== scenario.guest.memory) {
      throw new MachineSetupError(
        `guest memory buffer has ${opts.memoryBuffer.byteLength} bytes, ${scenario.guest.memory} expected`,
      );
    }
    this.mem = opts.memoryBuffer ? new GuestMemory(opts.memoryBuffer) : GuestMemory.create(scenario.guest.memory);
    this.capture = new OperationCapture(this.mem);
    this.disk = new DiskImage({
      capacitySectors: scenario.device.capacity,
      ...(opts.diskBuffer ? { buffer: opts.diskBuffer } : {}),
    });
    this.alloc = new AllocationMap(this.mem.size);
    const wanted = featureSetOf(scenario.features);
    const tracer = new DeviceSteps({
      capture: this.capture,
      device: () => this.device,
      popped: () => this.s.popped,
      suspended: () => this.s.suspended,
      matchPopped: (stale) => this.matchPopped(stale),
    });
    this.device = new VirtIOBlock(
      blkDeviceOptions(scenario, this.seed, { mem: this.mem, disk: this.disk, wanted, tracer }),
    );
    this.device.onIoSubmitted = (record) => tracer.noteSubmitted(record);
    const probed = virtblk_probe({
      device: this.device.vdev,
      mem: this.mem,
      allocator: this.alloc,
      wantedFeatures: wanted,
      queueSize: scenario.queue.size,
      startIdx,
      tracer: this.capture,
      notify: (q) => onKick(this.hooks, q),
    });
    if (!probed.ok) throw new MachineSetupError(probed.error.message);
    this.driver = probed.value.blk;
    // The interrupt handler is stepped a part at a time, so the device can run while it has interrupts off.
    this.driver.stepwise = true;
    this.features = probed.value.features;
    this.queueSizes = this.driver.vqs.map((vq) => vq.state.num);
    this.actors = actorIds(queues, scenario.device.iothreads);
    this.workloads = Array.from({ length: queues }, (_, q) => new Workload(scenario, this.seed, q));
    this.faults = new FaultInjector(scenario.faults, this, this.capture);
    this.data = new DataModel(scenario.device.capacity, this.seed);
    this.s = initialMachineState(queues, this.workloads.length, this.seed);
    this.hooks = {
      capture: this.capture,
      faults: this.faults,
      data: this.data,
      counters: () => this.s.counters,
      eventIdx: () => this.eventIdx,
      signals: () => this.signals,
      setDoorbell: (q, on) => this.setDoorbell(q, on),
      setIrq: (q, on) => this.setIrq(q, on),
      retire: (id) => this.retire(id),
    };
    this.privateSources = {
      driverQueues: () => this.driver.vqs,
      deviceCount: () => this.device.vdev.vq.length,
      deviceQueue: (q) => this.device.vdev.vq[q]?.queue?.state ?? null,
      counters: () => this.s.counters,
      lines: (side) => (side === 'driver' ? this.s.doorbell : this.s.irq),
      deviceErrors: () => this.device.vdev.errors.length,
      driverError: () => this.driver.lastError !== null,
    };
    wireCallbacks(this.driver, this.device, this.hooks);
    noteSegmentReads(this.mem, this.capture, this.alloc);
  }

  get stepCount(): number {
    return this.s.stepCount;
  }

  get ended(): RunEnd | null {
    return this.s.ended;
  }

  get counters(): Readonly<MachineCounters> {
    return this.s.counters;
  }

  get eventIdx(): boolean {
    return hasFeature(this.features, VIRTIO_RING_F_EVENT_IDX);
  }

  /** The actor whose operation is being played out (or was interrupted part-way), if one is. */
  get midOperation(): ActorId | null {
    return this.s.pending?.actor ?? this.s.suspended[0]?.op.actor ?? null;
  }

  get dataChecks(): Readonly<{ verified: number; unverifiable: number; mismatches: number }> {
    return this.data.checks;
  }

  /** Kicks waiting for an IOThread, per queue. */
  get doorbells(): readonly boolean[] {
    return this.s.doorbell;
  }

  /** Interrupts waiting for the guest, per queue. */
  get pendingInterrupts(): readonly boolean[] {
    return this.s.irq;
  }

  stepOnce(): boolean {
    return this.step() !== null;
  }

  /** Takes one step, or returns null when the run has ended. */
  step(): StepRecord | null {
    if (this.s.pending === null) {
      if (this.s.ended !== null) return null;
      const actor = this.s.chosen ?? this.nextActor();
      this.s.chosen = null;
      if (actor === null) return null;
      if (!this.resume(actor)) this.runOperation(actor);
    }
    return this.playNext();
  }

  /** What the next step will be, when an operation is being played out: its actor, function and call. */
  peek(): { actor: ActorId; fn: string; call: number } | null {
    const p = this.s.pending;
    if (!p || p.items.length === 0) return null;
    const next = p.items[0]!;
    return { actor: p.actor, fn: next.fn || topFunction(p.actor), call: next.c ?? p.call };
  }

  /**
   * Actors that could move now, in fixed order: one with a suspended operation can resume it. While a guest
   * operation is suspended no other guest actor starts (virtio_queue_rq and virtblk_done serialise on the
   * queue's lock, taken with interrupts off).
   */
  runnable(): ActorId[] {
    if (this.s.pending) return [this.s.pending.actor];
    const suspended = this.s.suspended.map((x) => x.op.actor);
    const guestWaits = suspended.some(isGuestActor);
    return this.actors.filter((a) => suspended.includes(a) || (!(guestWaits && isGuestActor(a)) && this.canRun(a)));
  }

  snapshot(): MachineSnapshot {
    return {
      step: this.s.stepCount,
      memory: new Uint8Array(this.mem.buffer).slice(),
      disk: new Uint8Array(this.disk.buffer).slice(),
      aux: this.data.saveBytes(),
      state: this.saveStateJSON(false),
    };
  }

  restore(snap: MachineSnapshot): void {
    const live = this.images();
    live.memory.set(snap.memory);
    live.disk.set(snap.disk);
    live.aux.set(snap.aux);
    this.restoreState(snap.step, snap.state);
  }

  images(): MachineImages {
    return {
      memory: new Uint8Array(this.mem.buffer),
      disk: new Uint8Array(this.disk.buffer),
      aux: this.data.liveBytes,
    };
  }

  /** The step is in the state too (the machine's own step count). */
  restoreState(_step: number, state: string): void {
    this.loadStateJSON(state);
  }

  /** Every bit of state outside guest memory and the disk, as JSON: what workers hand each other. */
  saveStateJSON(withAux = true): string {
    // The text is made at once from the live objects: no copy is needed first.
    return stringifyCheckpoint(this.savePlain(withAux, false));
  }

  loadStateJSON(json: string): void {
    // A freshly parsed state belongs to nobody else: take it over instead of cloning it again.
    this.loadPlain(parseCheckpoint(json) as SavedMachine, false);
  }

  /**
   * `withAux` false leaves the per-sector data tables out (a snapshot carries them as bytes of their own). `copy`
   * false shares live objects: only for a state posted to a worker at once (postMessage clones it there and then).
   */
  savePlain(withAux = true, copy = true): SavedMachine {
    return {
      ...(withAux ? { dataBytes: this.data.saveBytes() } : {}),
      machine: this.s,
      driver: this.driver.saveState(copy),
      device: this.device.saveState(copy),
      alloc: this.alloc.toJSON(),
      faults: this.faults.saveState(),
      data: this.data.saveState(),
    };
  }

  /** `copy` false takes over `saved`'s objects: only for a state nothing else holds (just received from a worker). */
  loadPlain(saved: SavedMachine, copy = true): void {
    this.s = copy ? structuredClone(saved.machine) : saved.machine;
    this.alloc.loadJSON(saved.alloc);
    this.driver.loadState(saved.driver, copy);
    this.device.loadState(saved.device, copy);
    this.faults.loadState(saved.faults);
    this.data.loadState(saved.data);
    if (saved.dataBytes) this.data.loadBytes(saved.dataBytes);
  }

  /**
   * The object holding the machine's own plain state. Every load replaces it and every step moves its step count,
   * so a conductor that sees the same object at the same step knows nothing has touched the machine meanwhile
   * (the scheduler's choice aside, which a worker makes the same way).
   */
  get stateObject(): Readonly<SavedMachine['machine']> {
    return this.s;
  }

  /**
   * Takes over the machine state and allocation map a worker sent after a step that only played a stored item
   * out (see worker/wireState.ts, playbackOnly): such a step moves nothing else, so the rest stays as it is.
   */
  loadPlayback(part: Pick<SavedMachine, 'machine' | 'alloc'>): void {
    this.s = part.machine;
    this.alloc.loadJSON(part.alloc);
  }

  /**
   * The state after an IOThread's operation without the guest's half (driver, allocation map, data model), which
   * device code does not move (see worker/wireState.ts, deviceOnly). Shares live objects, as savePlain(_, false).
   */
  saveDevicePart(): Pick<SavedMachine, 'machine' | 'device' | 'faults'> {
    return { machine: this.s, device: this.device.saveState(false), faults: this.faults.saveState() };
  }

  /** Takes over a saveDevicePart() just received from a worker (a structured clone nothing else holds). */
  loadDevicePart(part: Pick<SavedMachine, 'machine' | 'device' | 'faults'>): void {
    this.s = part.machine;
    this.device.loadState(part.device, false);
    this.faults.loadState(part.faults);
  }

  /**
   * Decides who moves next without moving: a conductor calls this, then hands the step to the worker that owns
   * the actor (which calls step()). Null when the run has ended.
   */
  chooseNext(): ActorId | null {
    if (this.s.pending) return this.s.pending.actor;
    if (this.s.chosen) return this.s.chosen;
    if (this.s.ended !== null) return null;
    this.s.chosen = this.nextActor();
    return this.s.chosen;
  }

  // ---- free-run: workers run their own actors concurrently, signalling through shared words

  private signals: Int32Array | null = null;

  /**
   * Enters free-run: kicks and interrupts go through `signals` (shared with the other workers). Only the
   * conductor copies its doorbells into the words (`initialize`), before any worker starts: a worker doing it
   * could wipe out a kick another worker already sent.
   */
  beginFreeRun(signals: Int32Array, initialize = false): void {
    this.signals = signals;
    if (initialize) publishLines(signals, this.s);
  }

  /** Leaves free-run, taking the doorbells and interrupt lines back from the shared words. */
  endFreeRun(): void {
    const signals = this.signals;
    if (!signals) return;
    collectLines(signals, this.s);
    this.signals = null;
  }

  /**
   * Free-run: one operation of one of `owned` that can run, done whole (no step recording). False when none of
   * them has anything to do; the caller then waits on the signal words. `passTime` false leaves the clock alone
   * after the operation.
   */
  freeRunOnce(owned: readonly ActorId[], passTime = true): boolean {
    for (const actor of owned) {
      if (!this.canRun(actor)) continue;
      this.operate(actor);
      // A caller modelling threads in lockstep (compare.ts) moves the clock once per round itself.
      if (passTime) this.device.passTime(1);
      if (this.signals) Atomics.add(this.signals, SIG.OPS, 1);
      return true;
    }
    // A vCPU thinking between requests lets the guest's time run on.
    const waiting = this.s.vcpus.filter((v, q) => owned.includes(`vcpu${q}`) && v.next < this.workloads[q]!.length);
    const wake = Math.min(...waiting.map((v) => v.readyAt));
    if (waiting.length > 0 && wake > this.now) {
      this.device.passTime(wake - this.now);
      return true;
    }
    // An IOThread with I/O in flight but not yet due lets its virtual time run on.
    if (owned.some((a) => a.startsWith('iothread'))) {
      const due = this.device.nextDue();
      if (due !== null) {
        this.device.passTime(Math.max(1, due - this.now));
        return true;
      }
    }
    return false;
  }

  /** A side has given up: the device is in NEEDS_RESET or the driver refused what the device wrote. */
  get gaveUp(): boolean {
    return this.device.vdev.errors.length > 0 || this.driver.lastError !== null;
  }

  /** Guest side finished: everything submitted and nothing outstanding. */
  get guestDone(): boolean {
    return this.s.vcpus.every((v, q) => v.next >= this.workloads[q]!.length) && this.driver.outstanding === 0;
  }

  private doorbell(q: number): boolean {
    return readDoorbell(this.signals, this.s, q);
  }

  private setDoorbell(q: number, on: boolean): void {
    writeDoorbell(this.signals, this.s, q, on);
  }

  private irqLine(q: number): boolean {
    return readIrq(this.signals, this.s, q);
  }

  private setIrq(q: number, on: boolean): void {
    writeIrq(this.signals, this.s, q, on);
  }

  /** Every request not yet finished, then the last ones that finished, with where each is in its life. */
  requestViews(): RequestView[] {
    const shown = this.s.pending ? (this.s.shown ?? null) : null;
    const from = this.s.shownFrom ?? 0;
    const live = [...this.driver.requests.values()].map((req) => {
      // A request the operation in flight cannot move (another queue's) shows its live stage.
      const mine = shown !== null && (req.id in shown || req.id >= from);
      const view = liveRequestView(req, this.deviceRecord(req.id), mine ? shown : null);
      view.head = this.shownHead(req.queue, req.head, req.id);
      return view;
    });
    return [...live.sort((a, b) => a.id - b.id), ...this.s.recentDone];
  }

  /** The private state of the operations in flight (played part-way, or suspended), as of their steps played. */
  private inFlightPrivate(): PrivateShown[] {
    const out: PrivateShown[] = [];
    if (this.s.pending?.priv) out.push(this.s.pending.priv);
    for (const x of this.s.suspended) if (x.op.priv) out.push(x.op.priv);
    return out;
  }

  /**
   * Linux's state of queue `q` as shown: as of the steps played of an operation in flight, else the live state.
   * Null when it is the live one (read it from the virtqueue).
   */
  shownDriverQueue(q: number): DriverQueueShown | null {
    for (const p of this.inFlightPrivate()) {
      const s = p.driver[q];
      if (s) return s;
    }
    return null;
  }

  /** QEMU's state of queue `q` as shown (see shownDriverQueue): the live one, or as of the steps played. */
  shownDeviceQueue(q: number): VirtQueueState | null {
    for (const p of this.inFlightPrivate()) {
      const s = p.device[q];
      if (s) return s;
    }
    return this.device.vdev.vq[q]?.queue?.state ?? null;
  }

  /**
   * Regions of guest memory as of the steps played: a request's buffers or an indirect table appear at the step
   * after the code allocated them and go at the step after it freed them, not when the operation starts.
   */
  get shownRegions(): Region[] {
    const live = this.alloc.all();
    if (!this.s.pending && this.s.suspended.length === 0) return live.slice();
    // In the order the operations ran: a suspended one before the one playing now.
    return shownRegions(live, this.inFlightPrivate().reverse());
  }

  /** The counters as of the steps played (an operation in flight has moved the live ones to its end). */
  get shownCounters(): MachineCounters {
    const ops = this.inFlightPrivate();
    return ops.length === 0 ? { ...this.s.counters } : shownCounters(this.s.counters, ops);
  }

  /** The errors either side has reported, as of the steps played: the device's, then the driver's. */
  get shownErrors(): VirtioError[] {
    const { device, driver } = unshownErrors(this.inFlightPrivate());
    const errors = this.device.vdev.errors;
    const lastError = driver ? null : this.driver.lastError;
    return [...errors.slice(0, errors.length - device), ...(lastError ? [lastError] : [])];
  }

  /** Doorbells as of the steps played: one rung by an operation in flight shows from its kick's step. */
  get shownDoorbells(): boolean[] {
    return this.shownLines('driver', this.s.doorbell);
  }

  /** Interrupt lines as of the steps played (see shownDoorbells). */
  get shownInterrupts(): boolean[] {
    return this.shownLines('device', this.s.irq);
  }

  private shownLines(side: PrivateShown['side'], live: readonly boolean[]): boolean[] {
    const held = this.inFlightPrivate().flatMap((p) => (p.side === side ? p.held : []));
    return live.map((on, q) => on && !held.includes(q));
  }

  /** A request's head as shown: none yet while the steps played have not reached the add that took it. */
  private shownHead(q: number, head: number | null, id: number): number | null {
    if (head === null) return null;
    const shown = this.shownDriverQueue(q);
    if (!shown || shown.heads[head] === id) return head;
    // Carried now but not as of the steps played: the add that took it is still ahead.
    return this.driver.vqs[q]?.desc_state[head]?.data?.id === id ? null : head;
  }

  /** Step numbering starts again from 0 (a new timeline after a free-run). */
  resetStepCount(): void {
    this.s.stepCount = 0;
  }

  /** After a free-run, pairs in-flight guest requests with the device's records again (newest first). */
  rematch(): void {
    rematchPopped(this.s, this.device.records, this.driver.requests);
  }

  private matchPopped(stale: { record: number; request: number } | null = null): void {
    matchPopped(this.s, this.device.records, this.driver.requests, stale);
  }

  private deviceRecord(requestId: number): BlkReqRecord | undefined {
    const id = this.s.popped[requestId];
    return id === undefined ? undefined : findRecord(this.device.records, id);
  }

  /**
   * The stages by private state of the live requests on `queues`: with `actor`, only those an operation of it can
   * move on (a resumed operation has run whole already, so it takes them all).
   */
  private privateStages(queues: readonly number[], actor?: ActorId): ShownStages {
    const from = actor === undefined ? undefined : movableStages(actor);
    return privateStages(this.driver.requests.values(), (id) => this.deviceRecord(id), queues, from);
  }

  /** A finished request leaves the driver's map for the short list of recent ones. */
  private retire(id: number): void {
    const req = this.driver.requests.get(id);
    if (!req) return;
    // A finished request's buffers are freed; keep the table small over long runs.
    this.driver.requests.delete(id);
    const record = this.deviceRecord(id);
    delete this.s.popped[id];
    this.s.recentDone.push(doneRequestView(req, record));
    if (this.s.recentDone.length > RECENT_DONE) this.s.recentDone.shift();
  }

  // ---- scheduling

  private canRun(actor: ActorId): boolean {
    if (actor === 'irq') return this.s.irq.some((_, q) => this.irqLine(q) || this.driver.inDone(q));
    if (actor.startsWith('vcpu')) {
      const q = Number(actor.slice(4));
      const v = this.s.vcpus[q]!;
      // virtblk_done holds the queue's lock (interrupts off) until it is done: the submitter waits for it.
      if (this.driver.inDone(q)) return false;
      // A queue's deferred run (kblockd, or a submitter woken by a freed tag) runs on its vCPU, not in the handler.
      if (this.driver.hasDeferredRun(q) && !this.device.vdev.broken && this.driver.lastError === null) return true;
      return (
        v.next < this.workloads[q]!.length &&
        this.now >= v.readyAt &&
        this.driver.pending(q).length === 0 &&
        !this.driver.isStopped(q) &&
        !this.device.vdev.broken &&
        this.driver.lastError === null
      );
    }
    const t = Number(actor.slice(8));
    return (
      this.servedQueues(t).some((q) => this.doorbell(q) || this.device.inHandler(q)) ||
      this.device.dueFor((q) => this.servesQueue(t, q)) > 0
    );
  }

  private servesQueue(iothread: number, q: number): boolean {
    return servesQueue(this.scenario.device.iothreads, iothread, q);
  }

  private servedQueues(iothread: number): number[] {
    return this.s.doorbell.map((_, q) => q).filter((q) => this.servesQueue(iothread, q));
  }

  private get now(): number {
    return this.device.now;
  }

  /** Picks who moves; lets virtual time pass while only the disk or a thinking vCPU has anything to do. */
  private nextActor(): ActorId | null {
    for (;;) {
      const runnable = this.runnable();
      if (runnable.length > 0)
        return pickActor(this.scenario.guest.interleaving, contenders(runnable, this.s.suspended), this.s.policy);
      const waits: number[] = [];
      const due = this.device.nextDue();
      if (due !== null) waits.push(due);
      this.s.vcpus.forEach((v, q) => {
        if (v.next < this.workloads[q]!.length && v.readyAt > this.now) waits.push(v.readyAt);
      });
      if (waits.length === 0 || this.device.vdev.broken) {
        this.s.ended = this.endState();
        return null;
      }
      this.device.passTime(Math.max(1, Math.min(...waits) - this.now));
    }
  }

  private endState(): RunEnd {
    if (this.device.vdev.errors.length > 0) return 'device-error';
    if (this.driver.lastError !== null) return 'driver-error';
    const allSubmitted = this.s.vcpus.every((v, q) => v.next >= this.workloads[q]!.length);
    return allSubmitted && this.driver.outstanding === 0 ? 'completed' : 'stalled';
  }

  // ---- operations

  private runOperation(actor: ActorId): void {
    const call = ++this.s.calls;
    const movable = this.movable(actor);
    // Only requests on the queues the operation can move, in a stage it can move them from, change stage;
    // requests it makes are new (queued).
    const shown = this.privateStages(movable, actor);
    const shownFrom = this.driver.nextRequestId;
    const bells = [...this.s.doorbell];
    const tracker = new PrivateTracker(this.privateSources, isGuestActor(actor) ? 'driver' : 'device', movable);
    // Calls an earlier part of this handler showed go on here: their steps do not begin them again.
    const seen = this.s.resume?.[actor] ? [...(this.s.resumeSeen?.[actor] ?? [])] : [];
    this.alloc.observer = (change) => tracker.regionChanged(change);
    let items: CapturedItem[];
    let calls: CallTree;
    try {
      ({ items, calls } = this.capture.run(
        topFunction(actor),
        () => this.operate(actor),
        () => tracker.mark(),
        // Every function call gets a number of its own, from the same count as the operations.
        { root: call, next: () => ++this.s.calls, ...(this.s.resume?.[actor] ? { resume: this.s.resume[actor] } : {}) },
      ));
    } finally {
      this.alloc.observer = null;
    }
    this.noteResume(actor, calls);
    if (items.length === 0) {
      // Even a move that changes nothing is shown, so every scheduler decision is a step.
      items.push({ kind: 'event', fn: topFunction(actor), event: { type: 'noop' }, message: message('noop') });
    }
    const marks = items.reduce((n, it) => Math.max(n, it.st ?? 0), 0);
    this.s.pending = { actor, call, items, total: items.length, priv: tracker.finish(marks), calls, seen };
    if (isGuestActor(actor)) this.injectMissingBarrier(this.s.pending, bells);
    this.s.shown = shown;
    this.s.shownFrom = shownFrom;
    this.device.passTime(1);
  }

  /**
   * After an operation that left a handler part way through (the interrupt's virtblk_done, an IOThread's
   * virtio_blk_handle_vq), its functions' call numbers, so the next part goes on as the same calls: a function
   * breakpoint or "Step by function" sees one call of virtblk_done, not one per part.
   */
  private noteResume(actor: ActorId, calls: CallTree): void {
    const queues =
      actor === 'irq' ? this.s.irq.map((_, q) => q) : actor.startsWith('iothread') ? this.movable(actor) : [];
    const partWay =
      actor === 'irq' ? queues.some((q) => this.driver.inDone(q)) : queues.some((q) => this.device.inHandler(q));
    if (!partWay) {
      if (this.s.resume?.[actor]) delete this.s.resume[actor];
      return;
    }
    // The handler and the functions around it go on; the calls it made inside (get_buf, pop...) are over.
    const handler = actor === 'irq' ? 'virtblk_done' : 'virtio_blk_handle_vq';
    const ids: Record<string, number> = {};
    for (const [id, [fn]] of Object.entries(calls)) {
      if (fn !== handler) continue;
      for (const f of framesOf(calls, Number(id))) ids[f.fn] = f.call;
    }
    (this.s.resume ??= {})[actor] = ids;
  }

  /**
   * Which of the step's frames begin here (StepRecord.begins): those no earlier step of the operation, or of an
   * earlier part of the handler it goes on, showed. After the operation's last step, the calls its next part will
   * go on as (see noteResume) keep what was shown.
   */
  private noteBegins(p: PlayingOperation, record: StepRecord, last: boolean): void {
    const seen = (p.seen ??= []);
    const frames = record.frames;
    let k = 0;
    while (k < frames.length && seen.includes(frames[k]!.call)) k++;
    record.begins = frames.length - k;
    for (let i = k; i < frames.length; i++) seen.push(frames[i]!.call);
    if (!last) return;
    const goOn = this.s.resume?.[p.actor];
    if (goOn) {
      const ids = Object.values(goOn);
      (this.s.resumeSeen ??= {})[p.actor] = seen.filter((id) => ids.includes(id));
    } else if (this.s.resumeSeen?.[p.actor]) delete this.s.resumeSeen[p.actor];
  }

  /**
   * The missing-barrier fault, on the guest operation that added its request: virtio_wmb is gone, avail.idx is
   * played before the chain's descriptors and ring entry, and other actors may move between those stores (the
   * operation is suspended before each). The virtio_mb of virtqueue_kick_prepare that follows drains them all,
   * so the window closes at the ring entry. `bellsBefore`: the doorbells before the operation ran.
   */
  private injectMissingBarrier(op: PlayingOperation, bellsBefore: readonly boolean[]): void {
    const due = this.faults.missingBarrierDue();
    if (!due) return;
    const ring = this.driver.vqs[due.queue]!.ring;
    const un = dropVirtioWmb(op.items, { avail: ring.addrs.avail, size: ring.size }, due.head, due.request);
    if (!un) return;
    op.items = un.items;
    op.total = un.items.length;
    // The operation ran whole, kick included; a device let in early must not wake for a kick not yet sent.
    const bells = this.s.doorbell.flatMap((on, q) => (on && !bellsBefore[q] ? [q] : []));
    for (const q of bells) this.s.doorbell[q] = false;
    op.missingBarrier = { ...due, availIdx: un.availIdx, slot: un.slot, from: un.from, to: un.to, bells };
  }

  /**
   * The queues an operation of `actor` can move: a vCPU its own, an IOThread those it serves, the interrupt handler
   * the queue it takes and any with requests waiting to be dispatched (freed tags may let them in).
   */
  private movable(actor: ActorId): number[] {
    if (actor.startsWith('vcpu')) return [Number(actor.slice(4))];
    if (actor.startsWith('iothread')) return this.servedQueues(Number(actor.slice(8)));
    const taken = this.s.irq.findIndex((_, n) => this.irqLine(n));
    return this.s.irq.flatMap((_, n) =>
      n === taken || this.driver.inDone(n) || this.driver.pending(n).length > 0 ? [n] : [],
    );
  }

  /** Picks a suspended operation of `actor` back up; false when it has none. */
  private resume(actor: ActorId): boolean {
    const i = this.s.suspended.findIndex((x) => x.op.actor === actor);
    if (i < 0) return false;
    const { op, shown } = this.s.suspended.splice(i, 1)[0]!;
    this.s.pending = op;
    this.s.shown = resumedStages(this.privateStages(this.movable(actor)), shown);
    // Its requests are all in `shown` by now; others keep their live stage.
    this.s.shownFrom = Number.MAX_SAFE_INTEGER;
    return true;
  }

  private operate(actor: ActorId): void {
    const devErrors = this.device.vdev.errors.length;
    const driverError = this.driver.lastError;
    if (actor.startsWith('vcpu')) {
      const q = Number(actor.slice(4));
      if (this.driver.hasDeferredRun(q)) this.driver.blk_mq_run_work_fn(q);
      else this.submitNext(q);
    } else if (actor === 'irq') this.takeInterrupt();
    else {
      this.faults.beforeDeviceOperation();
      this.runIothread(Number(actor.slice(8)));
    }
    // A write's payload is in guest memory once its buffers exist; the copy would only weigh on checkpoints.
    // Only a vCPU allocates a request's buffers (the handler never submits).
    if (actor.startsWith('vcpu'))
      for (const req of this.driver.requests.values()) if (req.data !== null) req.writeData = null;
    if (actor.startsWith('iothread')) this.matchPopped();
    else this.faults.afterGuestOperation();
    noteNewErrors(this.capture, this.device.vdev.errors.slice(devErrors), driverError, this.driver.lastError);
  }

  private submitNext(q: number): void {
    const v = this.s.vcpus[q]!;
    const item = this.workloads[q]!.at(v.next++);
    v.readyAt = this.now + item.think;
    const id = this.driver.nextRequestId;
    const data = item.op === 'write' ? writePattern(this.seed, id, item.sector, item.nsectors) : undefined;
    this.data.submitted(id, item.op, item.sector, item.nsectors);
    this.s.counters.requests++;
    this.driver.submit({
      op: item.op,
      sector: item.sector,
      nsectors: item.nsectors,
      queue: q,
      bypassBlockLayer: true,
      ...(data ? { data } : {}),
    });
  }

  /** The interrupt handler's next part: virtblk_done part way through goes on, else the next interrupt is taken. */
  private takeInterrupt(): void {
    const busy = this.s.irq.findIndex((_, n) => this.driver.inDone(n));
    if (busy >= 0) {
      this.driver.continueDone(busy);
      return;
    }
    const q = this.s.irq.findIndex((_, n) => this.irqLine(n));
    this.setIrq(q, false);
    this.driver.vring_interrupt(q);
  }

  /**
   * One part of an IOThread's work: the next part of a kick's handler it is in (it finishes that before anything
   * else, as QEMU's thread runs the handler to its end), else a kick's handler begun, else the AIO completions due.
   */
  private runIothread(t: number): void {
    const served = this.servedQueues(t);
    const busy = served.find((n) => this.device.inHandler(n));
    if (busy !== undefined) {
      this.device.continueHandler(busy);
      return;
    }
    const q = served.find((n) => this.doorbell(n));
    if (q !== undefined) {
      this.setDoorbell(q, false);
      this.device.startHandler(q);
      return;
    }
    this.device.completeReady((n) => this.servesQueue(t, n));
  }

  // ---- playing an operation out

  /** Moves request stages by what the step just played did; after an operation's last step, private state rules. */
  private showStage(item: CapturedItem, last: boolean): void {
    if (item.kind === 'event' && item.event.type === 'completed') this.retire(item.event.request);
    const shown = this.s.shown ?? null;
    if (last || !shown) {
      this.s.shown = null;
      return;
    }
    advanceStages(
      shown,
      item,
      this.alloc,
      this.driver.vqs.map((vq) => vq.ring),
      this.driver.requests.values(),
      this.s.shownFrom ?? 0,
    );
  }

  private playNext(): StepRecord {
    const p = this.s.pending!;
    const item = p.items.shift()!;
    const last = p.items.length === 0;
    if (last) this.s.pending = null;
    const mb = p.missingBarrier;
    const at = {
      index: this.s.stepCount++,
      actor: p.actor,
      call: p.call,
      last,
      ...(p.calls ? { calls: p.calls } : {}),
    };
    const record = playItem(item, at, this.mem, this.alloc, this.queueSizes);
    this.noteBegins(p, record, last);
    if (p.priv && item.st) advanceShown(p.priv, item.st);
    const bell = heldKick(item, mb);
    if (bell !== null) this.setDoorbell(bell, true);
    this.showStage(item, last);
    if (inBarrierWindow(mb, p.total - p.items.length, last)) {
      // A store still unplayed after avail.idx: the scheduler may let another actor see memory as it is now.
      this.s.suspended.push({ op: p, shown: this.s.shown });
      this.s.pending = null;
      this.s.shown = null;
    }
    this.onStep?.(record);
    return record;
  }
}

export class MachineSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineSetupError';
  }
}
