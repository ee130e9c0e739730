import { AllocationMap } from '../../virtio/allocationMap';
import { GuestMemory } from '../../virtio/guestMemory';
import { hasFeature, type FeatureSet } from '../../virtio/features';
import { VIRTIO_RING_F_EVENT_IDX } from '../../virtio/constants';
import { DiskImage } from '../../devices/blk/disk';
import { VirtIOBlock } from '../../devices/blk/device';
import type { VirtioBlk } from '../../devices/blk/driver';
import type { VirtblkReq } from '../../devices/blk/driverTypes';
import type { BlkReqRecord } from '../../devices/blk/deviceTypes';
import type { Tracer } from '../../virtio/trace';
import { virtblk_probe } from '../../devices/blk/probe';
import { qemuVirtioBlkHostFeatures } from '../../devices/blk/features';
import type { Scenario } from '../scenario/schema';
import type { MachineSnapshot, Replayable } from '../snapshot';
import { message, renderStep } from '../messages';
import { fromHex, toHex, type ActorId, type StepEvent, type StepRecord } from '../step';
import { OperationCapture, type CapturedItem } from './capture';
import { describeItem } from './explain';
import { featureSetOf } from './features';
import { isGuestActor, pickActor, type PolicyState } from './policy';
import { Workload, writePattern } from './workload';
import { FaultInjector } from './faults';
import { dropVirtioWmb } from './missingBarrier';
import { u16Sub } from '../../virtio/types';
import { DataModel } from './dataModel';
import { sourceOf } from './sources';
import { SIG, doorbellWord, irqWord } from './signals';
import { advanceStages, privateStage, type ShownStages } from './requestStages';
import type { RequestView } from '../view';

export type RunEnd = 'completed' | 'device-error' | 'driver-error' | 'stalled';

export interface MachineCounters {
  requests: number;
  completed: number;
  kicks: number;
  kicks_suppressed: number;
  interrupts: number;
  interrupts_suppressed: number;
  ring_full: number;
  kicks_lost: number;
  interrupts_lost: number;
}

/** An operation being played out one item at a time, and who runs it. */
interface PlayingOperation {
  actor: ActorId;
  call: number;
  items: CapturedItem[];
  total: number;
  /** Set on the guest operation the missing-barrier fault reordered (see dropVirtioWmb). */
  missingBarrier?: {
    request: number;
    queue: number;
    head: number;
    /** The free-running index and slot of the ring entry avail.idx published before it was stored. */
    availIdx: number;
    slot: number;
    /** Item positions (counted from the operation's first) before which other actors may move. */
    from: number;
    to: number;
    /** Queues whose doorbell this operation's kick rings: set when the kick's step is played, not before. */
    bells: number[];
  };
}

/** Everything that changes as the machine runs, apart from memory, disk and the driver's and device's own state. */
interface MachineState {
  stepCount: number;
  calls: number;
  /** The operation being played out now. Nobody else moves until it ends or is suspended. */
  pending: PlayingOperation | null;
  /**
   * Operations interrupted part-way, with the request stages shown so far: only the missing-barrier fault makes
   * one, leaving its stores after avail.idx unplayed while other actors move. Each resumes when its actor is
   * chosen again; until then that actor starts nothing new.
   */
  suspended: { op: PlayingOperation; shown: ShownStages | null }[];
  vcpus: { next: number; readyAt: number }[];
  doorbell: boolean[];
  irq: boolean[];
  policy: PolicyState;
  counters: MachineCounters;
  ended: RunEnd | null;
  /** The last requests to finish, newest last, for the requests table (finished ones leave the driver's map). */
  recentDone: RequestView[];
  /** The actor a conductor chose for the next operation (see chooseNext). */
  chosen: ActorId | null;
  /** Which device record (QEMU's request) each guest request became when popped, by guest request id. */
  popped: Record<number, number>;
  lastRecordId: number;
  /**
   * While an operation is played out: each live request's stage as of the steps played so far (the private
   * state is already at the operation's end). Null between operations, where the private state is right.
   */
  shown: ShownStages | null;
}

/** How many finished requests the requests table keeps. */
const RECENT_DONE = 32;

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
    const latency = scenario.device.latency;
    const wanted = featureSetOf(scenario.features);
    this.device = new VirtIOBlock({
      mem: this.mem,
      disk: this.disk,
      numQueues: queues,
      queueSize: scenario.queue.size,
      hostFeatures: qemuVirtioBlkHostFeatures({ numQueues: queues }) | wanted,
      latency: Array.isArray(latency)
        ? { kind: 'range', min: latency[0], max: latency[1] }
        : { kind: 'fixed', ticks: latency },
      order: scenario.device.completionOrder,
      seed: this.seed,
      serial: 'virtio-viz',
      // The requests table shows the last few; more would only make checkpoints heavier.
      maxRecords: 64,
      startIdx,
      tracer: this.deviceTracer(),
    });
    const probed = virtblk_probe({
      device: this.device.vdev,
      mem: this.mem,
      allocator: this.alloc,
      wantedFeatures: wanted,
      queueSize: scenario.queue.size,
      startIdx,
      tracer: this.capture,
      notify: (q) => this.onKick(q),
    });
    if (!probed.ok) throw new MachineSetupError(probed.error.message);
    this.driver = probed.value.blk;
    this.features = probed.value.features;
    this.queueSizes = this.driver.vqs.map((vq) => vq.state.num);
    this.actors = [
      ...Array.from({ length: queues }, (_, q) => `vcpu${q}` as ActorId),
      'irq',
      ...Array.from({ length: scenario.device.iothreads }, (_, t) => `iothread${t}` as ActorId),
    ];
    this.workloads = Array.from({ length: queues }, (_, q) => new Workload(scenario, this.seed, q));
    this.faults = new FaultInjector(scenario.faults, this);
    this.data = new DataModel(scenario.device.capacity, this.seed);
    this.s = {
      stepCount: 0,
      calls: 0,
      pending: null,
      suspended: [],
      vcpus: this.workloads.map(() => ({ next: 0, readyAt: 0 })),
      doorbell: Array.from({ length: queues }, () => false),
      irq: Array.from({ length: queues }, () => false),
      policy: { last: null, lastGuest: null, lastDevice: null, prng: (this.seed ^ 0x5eed) >>> 0 },
      counters: {
        requests: 0,
        completed: 0,
        kicks: 0,
        kicks_suppressed: 0,
        interrupts: 0,
        interrupts_suppressed: 0,
        ring_full: 0,
        kicks_lost: 0,
        interrupts_lost: 0,
      },
      ended: null,
      recentDone: [],
      chosen: null,
      popped: {},
      lastRecordId: -1,
      shown: null,
    };
    this.wireCallbacks();
    // A device reading a request's header or data (or the guest reading what came back) is a step of its own.
    this.mem.readObserver = (addr, len) => {
      if (!this.capture.capturing) return;
      const region = this.alloc.regionAt(addr);
      const label = region?.label ?? 'guest memory';
      this.capture.note(
        { type: 'segment-read', addr, len, ...(region?.owner !== undefined ? { request: region.owner } : {}) },
        message('segment.read', { label, bytes: len, addr: `0x${addr.toString(16)}` }),
      );
    };
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
    return { actor: p.actor, fn: p.items[0]!.fn || topFunction(p.actor), call: p.call };
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
    new Uint8Array(this.mem.buffer).set(snap.memory);
    new Uint8Array(this.disk.buffer).set(snap.disk);
    this.loadStateJSON(snap.state);
    this.data.loadBytes(snap.aux);
  }

  /** Every bit of state outside guest memory and the disk, as JSON: what workers hand each other. */
  saveStateJSON(withAux = true): string {
    return JSON.stringify(this.savePlain(withAux), replacer);
  }

  loadStateJSON(json: string): void {
    this.loadPlain(JSON.parse(json, reviver) as SavedMachine);
  }

  /** `withAux` false leaves the per-sector data tables out (a snapshot carries them as bytes of their own). */
  savePlain(withAux = true): SavedMachine {
    return {
      ...(withAux ? { dataBytes: this.data.saveBytes() } : {}),
      machine: this.s,
      driver: this.driver.saveState(),
      device: this.device.saveState(),
      alloc: this.alloc.toJSON(),
      faults: this.faults.saveState(),
      data: this.data.saveState(),
    };
  }

  loadPlain(saved: SavedMachine): void {
    this.s = structuredClone(saved.machine);
    this.alloc.loadJSON(saved.alloc);
    this.driver.loadState(saved.driver);
    this.device.loadState(saved.device);
    this.faults.loadState(saved.faults);
    this.data.loadState(saved.data);
    if (saved.dataBytes) this.data.loadBytes(saved.dataBytes);
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
    if (!initialize) return;
    const queues = this.s.doorbell.length;
    this.s.doorbell.forEach((b, q) => Atomics.store(signals, doorbellWord(q), b ? 1 : 0));
    this.s.irq.forEach((b, q) => Atomics.store(signals, irqWord(queues, q), b ? 1 : 0));
  }

  /** Leaves free-run, taking the doorbells and interrupt lines back from the shared words. */
  endFreeRun(): void {
    const signals = this.signals;
    if (!signals) return;
    const queues = this.s.doorbell.length;
    this.s.doorbell = this.s.doorbell.map((_, q) => Atomics.load(signals, doorbellWord(q)) !== 0);
    this.s.irq = this.s.irq.map((_, q) => Atomics.load(signals, irqWord(queues, q)) !== 0);
    this.signals = null;
  }

  /**
   * Free-run: one operation of one of `owned` that can run, done whole (no step recording). False when none of
   * them has anything to do; the caller then waits on the signal words.
   */
  freeRunOnce(owned: readonly ActorId[]): boolean {
    for (const actor of owned) {
      if (!this.canRun(actor)) continue;
      this.operate(actor);
      this.device.passTime(1);
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

  /** Guest side finished: everything submitted and nothing outstanding. */
  get guestDone(): boolean {
    return this.s.vcpus.every((v, q) => v.next >= this.workloads[q]!.length) && this.driver.outstanding === 0;
  }

  private doorbell(q: number): boolean {
    return this.signals ? Atomics.load(this.signals, doorbellWord(q)) !== 0 : this.s.doorbell[q]!;
  }

  private setDoorbell(q: number, on: boolean): void {
    if (!this.signals) {
      this.s.doorbell[q] = on;
      return;
    }
    Atomics.store(this.signals, doorbellWord(q), on ? 1 : 0);
    if (on) {
      Atomics.add(this.signals, SIG.KICK_SEQ, 1);
      Atomics.add(this.signals, SIG.KICKS, 1);
      Atomics.notify(this.signals, SIG.KICK_SEQ);
    }
  }

  private irqLine(q: number): boolean {
    return this.signals ? Atomics.load(this.signals, irqWord(this.s.irq.length, q)) !== 0 : this.s.irq[q]!;
  }

  private setIrq(q: number, on: boolean): void {
    if (!this.signals) {
      this.s.irq[q] = on;
      return;
    }
    Atomics.store(this.signals, irqWord(this.s.irq.length, q), on ? 1 : 0);
    if (on) {
      Atomics.add(this.signals, SIG.IRQ_SEQ, 1);
      Atomics.add(this.signals, SIG.INTERRUPTS, 1);
      Atomics.notify(this.signals, SIG.IRQ_SEQ);
    }
  }

  /** Every request not yet finished, then the last ones that finished, with where each is in its life. */
  requestViews(): RequestView[] {
    const live: RequestView[] = [];
    const shown = this.s.pending ? (this.s.shown ?? null) : null;
    for (const req of this.driver.requests.values()) {
      const record = this.deviceRecord(req.id);
      const stage = shown ? (shown[req.id] ?? 'queued') : privateStage(req, record);
      // The status byte and latency show once the device has given the request back.
      const back = stage === 'in used' || stage === 'completed';
      live.push({
        id: req.id,
        queue: req.queue,
        op: req.op,
        sector: req.sector,
        nsectors: req.nsectors,
        head: req.head,
        stage,
        status: back ? (record?.status ?? null) : null,
        latency: back && record && record.completeTick !== null ? record.completeTick - record.submitTick : null,
      });
    }
    return [...live.sort((a, b) => a.id - b.id), ...this.s.recentDone];
  }

  /** Step numbering starts again from 0 (a new timeline after a free-run). */
  resetStepCount(): void {
    this.s.stepCount = 0;
  }

  /** After a free-run, pairs in-flight guest requests with the device's records again (newest first). */
  rematch(): void {
    this.s.popped = {};
    const records = this.device.records;
    const live = records.filter((r) => r.state === 'popped' || r.state === 'in-io');
    const done = records.filter((r) => r.state === 'completed').reverse();
    const taken = new Set<number>();
    for (const r of [...live, ...done]) {
      for (const req of this.driver.requests.values()) {
        if (req.state !== 'in-flight' || req.queue !== r.queue || req.head !== r.head) continue;
        if (req.id in this.s.popped || taken.has(r.id)) continue;
        this.s.popped[req.id] = r.id;
        taken.add(r.id);
        break;
      }
    }
    this.s.lastRecordId = records.reduce((max, r) => Math.max(max, r.id), -1);
  }

  /**
   * Pairs requests the device just popped with the guest's: the in-flight request on that queue with that head,
   * or, for a pop of a stale ring entry, the request whose entry it should have been (`stale`).
   */
  private matchPopped(stale: { record: number; request: number } | null = null): void {
    for (const r of this.device.records) {
      if (r.id <= this.s.lastRecordId) continue;
      this.s.lastRecordId = r.id;
      if (stale?.record === r.id) {
        this.s.popped[stale.request] = r.id;
        continue;
      }
      for (const req of this.driver.requests.values()) {
        if (req.state === 'in-flight' && req.queue === r.queue && req.head === r.head && !(req.id in this.s.popped)) {
          this.s.popped[req.id] = r.id;
          break;
        }
      }
    }
  }

  private deviceRecord(requestId: number): BlkReqRecord | undefined {
    const id = this.s.popped[requestId];
    if (id === undefined) return undefined;
    // Records are kept in id order: a binary search, since this runs for every live request at every operation.
    const records = this.device.records;
    let lo = 0;
    let hi = records.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = records[mid]!;
      if (r.id === id) return r;
      if (r.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return records.find((r) => r.id === id);
  }

  /** Each live request's stage by private state: where the steps of an operation about to be played start. */
  private privateStages(): ShownStages {
    const stages: ShownStages = {};
    for (const req of this.driver.requests.values()) stages[req.id] = privateStage(req, this.deviceRecord(req.id));
    return stages;
  }

  /** A finished request leaves the driver's map for the short list of recent ones. */
  private retire(id: number): void {
    const req = this.driver.requests.get(id);
    if (!req) return;
    // A finished request's buffers are freed; keep the table small over long runs.
    this.driver.requests.delete(id);
    const record = this.deviceRecord(id);
    delete this.s.popped[id];
    this.s.recentDone.push({
      id: req.id,
      queue: req.queue,
      op: req.op,
      sector: req.sector,
      nsectors: req.nsectors,
      head: req.head,
      stage: req.state === 'rejected' ? 'rejected' : 'completed',
      status: req.statusByte,
      latency: record && record.completeTick !== null ? record.completeTick - record.submitTick : null,
    });
    if (this.s.recentDone.length > RECENT_DONE) this.s.recentDone.shift();
  }

  /** The request being handled by virtio_blk_handle_request, between its enter and leave (never across steps). */
  private handling: { record: BlkReqRecord; request: number } | null = null;

  /**
   * The device's tracer: the capture, plus a step for each chain popped and each request handed to the disk.
   * QEMU's pop and hand-over write nothing to guest memory, yet they are where a request changes hands.
   */
  private deviceTracer(): Tracer {
    return {
      enter: (fn) => {
        if (fn === 'virtio_blk_handle_request') this.notePopped();
        this.capture.enter(fn);
      },
      leave: (fn) => {
        this.capture.leave(fn);
        if (fn === 'virtio_blk_handle_request') this.noteHandled();
      },
      barrier: (kind) => this.capture.barrier(kind),
    };
  }

  /** QEMU: virtio_blk_get_request() has just wrapped the popped element (the newest record). */
  private notePopped(): void {
    this.handling = null;
    if (!this.capture.capturing) return;
    const record = this.device.records[this.device.records.length - 1];
    if (!record || record.state !== 'popped') return;
    const stale = this.stalePop(record);
    this.matchPopped(stale ? { record: record.id, request: stale.request } : null);
    const entry = Object.entries(this.s.popped).find(([, recordId]) => recordId === record.id);
    if (!entry) return; // a chain no guest request owns (a misbehaving guest): its errors say what went wrong
    const request = Number(entry[0]);
    this.handling = { record, request };
    this.capture.note(
      { type: 'popped', request, head: record.head, queue: record.queue },
      stale
        ? message('pop.stale', {
            q: record.queue,
            slot: stale.slot,
            head: record.head,
            expected: stale.head,
            request,
          })
        : message('pop.chain', { q: record.queue, head: record.head, request }),
      'virtqueue_pop',
    );
  }

  /** The missing barrier's unplayed ring entry, when the element just popped came from it (a stale read). */
  private stalePop(record: BlkReqRecord): NonNullable<PlayingOperation['missingBarrier']> | null {
    const vq = this.device.vdev.vq[record.queue]?.queue;
    if (!vq) return null;
    const idx = u16Sub(vq.state.last_avail_idx, 1);
    for (const { op } of this.s.suspended) {
      const mb = op.missingBarrier;
      if (mb && mb.queue === record.queue && mb.availIdx === idx) return mb;
    }
    return null;
  }

  /** QEMU: virtio_blk_handle_request() is done; a read or write now waits for the disk. */
  private noteHandled(): void {
    const h = this.handling;
    this.handling = null;
    if (!h || h.record.state !== 'in-io') return;
    const { record, request } = h;
    const what = { request, type: record.typeName, bytes: record.length };
    this.capture.note(
      { type: 'io-submitted', request, queue: record.queue },
      record.sector !== null
        ? message('io.submittedAt', { ...what, sector: String(record.sector) })
        : message('io.submitted', what),
      'virtio_blk_handle_request',
    );
  }

  // ---- scheduling

  private canRun(actor: ActorId): boolean {
    if (actor === 'irq') return this.s.irq.some((_, q) => this.irqLine(q));
    if (actor.startsWith('vcpu')) {
      const q = Number(actor.slice(4));
      const v = this.s.vcpus[q]!;
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
    return this.servedQueues(t).some((q) => this.doorbell(q)) || this.device.dueFor((q) => this.servesQueue(t, q)) > 0;
  }

  private servesQueue(iothread: number, q: number): boolean {
    return q % this.scenario.device.iothreads === iothread;
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
        return pickActor(this.scenario.guest.interleaving, this.contenders(runnable), this.s.policy);
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

  /**
   * Who the policy chooses from. A suspended operation's remaining stores sit in a store buffer that drains when
   * it drains; step mode shows the worst case the missing barrier allows: everyone else who can move does first.
   */
  private contenders(runnable: ActorId[]): ActorId[] {
    if (this.s.suspended.length === 0) return runnable;
    const others = runnable.filter((a) => !this.s.suspended.some((x) => x.op.actor === a));
    return others.length > 0 ? others : runnable;
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
    const shown = this.privateStages();
    const bells = [...this.s.doorbell];
    const { items } = this.capture.run(topFunction(actor), () => this.operate(actor));
    if (items.length === 0) {
      // Even a move that changes nothing is shown, so every scheduler decision is a step.
      items.push({ kind: 'event', fn: topFunction(actor), event: { type: 'noop' }, message: message('noop') });
    }
    this.s.pending = { actor, call, items, total: items.length };
    if (isGuestActor(actor)) this.injectMissingBarrier(this.s.pending, bells);
    this.s.shown = shown;
    this.device.passTime(1);
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

  /** Picks a suspended operation of `actor` back up; false when it has none. */
  private resume(actor: ActorId): boolean {
    const i = this.s.suspended.findIndex((x) => x.op.actor === actor);
    if (i < 0) return false;
    const { op, shown } = this.s.suspended.splice(i, 1)[0]!;
    this.s.pending = op;
    // Others moved meanwhile: take their stages from private state, keeping what this operation has not shown yet
    // (a guest submission moves a request from queued to in avail only).
    const now = this.privateStages();
    for (const [id, stage] of Object.entries(shown ?? {})) {
      if (stage === 'queued' && now[+id] === 'in avail') now[+id] = stage;
    }
    this.s.shown = now;
    return true;
  }

  private operate(actor: ActorId): void {
    const devErrors = this.device.vdev.errors.length;
    const driverError = this.driver.lastError;
    if (actor.startsWith('vcpu')) this.submitNext(Number(actor.slice(4)));
    else if (actor === 'irq') this.takeInterrupt();
    else this.runIothread(Number(actor.slice(8)));
    // A write's payload is in guest memory once its buffers exist; the copy would only weigh on checkpoints.
    for (const req of this.driver.requests.values()) if (req.data !== null) req.writeData = null;
    if (actor.startsWith('iothread')) {
      this.faults.afterDeviceOperation();
      this.matchPopped();
    } else this.faults.afterGuestOperation();
    for (const error of this.device.vdev.errors.slice(devErrors)) {
      this.capture.note(
        { type: 'error', error },
        // QEMU's own wording, quoted as it is in every language.
        message('device.error', { message: error.message, spec: error.spec }),
        error.where,
      );
    }
    // Linux's BAD_RING: the driver stops trusting the ring (a device that wrote a bad used element, say).
    const error = this.driver.lastError;
    if (error !== null && error !== driverError) {
      this.capture.note(
        { type: 'error', error },
        message('driver.error', { message: error.message, spec: error.spec }),
        error.where,
      );
    }
  }

  private submitNext(q: number): void {
    const v = this.s.vcpus[q]!;
    const item = this.workloads[q]!.at(v.next++);
    v.readyAt = this.now + item.think;
    const enospc = this.driver.counters.enospc;
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
    if (this.driver.counters.enospc > enospc) {
      this.s.counters.ring_full++;
      this.capture.note({ type: 'ring-full', queue: q }, message('ringFull', { q }), 'virtio_queue_rq');
    }
  }

  private takeInterrupt(): void {
    const q = this.s.irq.findIndex((_, n) => this.irqLine(n));
    this.setIrq(q, false);
    this.driver.vring_interrupt(q);
  }

  private runIothread(t: number): void {
    const q = this.servedQueues(t).find((n) => this.doorbell(n));
    if (q !== undefined) {
      this.setDoorbell(q, false);
      this.device.virtio_blk_handle_output(q);
      return;
    }
    this.device.completeReady((n) => this.servesQueue(t, n));
  }

  // ---- callbacks from the driver and device (they run inside an operation)

  private onKick(q: number): boolean {
    if (this.faults.dropKick(q)) {
      this.s.counters.kicks_lost++;
      this.capture.note({ type: 'kick-lost', queue: q }, message('fault.kickLost', { q }));
      return true;
    }
    this.s.counters.kicks++;
    this.setDoorbell(q, true);
    this.capture.note({ type: 'kick', queue: q }, message('kick.sent', { q }), 'virtqueue_notify');
    return true;
  }

  private wireCallbacks(): void {
    this.driver.onKickDecision = (q, kick) => {
      if (kick) return;
      this.s.counters.kicks_suppressed++;
      const why = message(this.eventIdx ? 'kick.suppressed.eventIdx' : 'kick.suppressed.noNotify');
      this.capture.note({ type: 'kick-suppressed', queue: q }, why, 'virtqueue_kick_prepare');
    };
    this.driver.onRequestDone = (req: VirtblkReq) => {
      this.s.counters.completed++;
      if (this.signals) Atomics.add(this.signals, SIG.COMPLETED, 1);
      const status = req.statusByte ?? -1;
      this.data.completed(req);
      this.capture.note(
        { type: 'completed', request: req.id, status, queue: req.queue },
        message('completed', { request: req.id, op: req.op, result: String(req.result) }),
        'virtblk_request_done',
      );
      // Stepping, it stays listed until the step that completes it is played; free-running, it goes now.
      if (!this.capture.capturing) this.retire(req.id);
    };
    this.device.onInterrupt = (source) => {
      if (source === 'config') {
        this.capture.note({ type: 'interrupt', queue: -1 }, message('interrupt.config'));
        return;
      }
      if (this.faults.dropInterrupt(source)) {
        this.s.counters.interrupts_lost++;
        this.capture.note({ type: 'interrupt-lost', queue: source }, message('fault.interruptLost', { q: source }));
        return;
      }
      this.s.counters.interrupts++;
      this.setIrq(source, true);
      this.capture.note(
        { type: 'interrupt', queue: source },
        message('interrupt.sent', { q: source }),
        'virtio_notify',
      );
    };
    this.device.onNotifyDecision = (q, sent) => {
      if (sent) return;
      this.s.counters.interrupts_suppressed++;
      const why = message(this.eventIdx ? 'interrupt.suppressed.eventIdx' : 'interrupt.suppressed.noInterrupt');
      this.capture.note({ type: 'interrupt-suppressed', queue: q }, why, 'virtio_notify');
    };
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
    );
  }

  private playNext(): StepRecord {
    const p = this.s.pending!;
    const item = p.items.shift()!;
    const last = p.items.length === 0;
    if (last) this.s.pending = null;
    const mb = p.missingBarrier;
    const fn = item.fn || topFunction(p.actor);
    const record: StepRecord = {
      index: this.s.stepCount++,
      actor: p.actor,
      fn,
      source: sourceOf(fn, p.actor),
      kind: item.kind === 'write' ? 'write' : item.kind === 'barrier' ? 'barrier' : 'action',
      explain: '',
      message: message('noop'),
      writes: [],
      events: [],
      call: p.call,
      callEnd: last,
    };
    if (item.kind === 'write') {
      this.mem.writeBytes(item.addr, fromHex(item.new));
      record.writes.push({ addr: item.addr, old: item.old, new: item.new });
      record.message = describeItem(item, this.alloc, this.queueSizes);
      if (item.fault) record.fault = item.fault;
      const region = this.alloc.regionAt(item.addr);
      if (region?.queue !== undefined) record.queue = region.queue;
      if (region?.owner !== undefined) record.request = region.owner;
    } else if (item.kind === 'barrier') {
      record.message = describeItem(item, this.alloc, this.queueSizes);
      record.events.push({ type: 'barrier', kind: item.barrier });
    } else {
      record.message = item.message;
      record.events.push(item.event);
      const e = item.event as StepEvent & { queue?: number; request?: number };
      if (e.queue !== undefined && e.queue >= 0) record.queue = e.queue;
      if (e.request !== undefined) record.request = e.request;
      if (e.type === 'kick' && mb?.bells.includes(e.queue)) this.setDoorbell(e.queue, true);
    }
    record.explain = renderStep(record.message, record.fault);
    this.showStage(item, last);
    const next = p.total - p.items.length;
    if (!last && mb && next >= mb.from && next <= mb.to) {
      // A store still unplayed after avail.idx: the scheduler may let another actor see memory as it is now.
      this.s.suspended.push({ op: p, shown: this.s.shown });
      this.s.pending = null;
      this.s.shown = null;
    }
    this.onStep?.(record);
    return record;
  }
}

/** A machine's whole state apart from memory and disk, as plain data. */
export interface SavedMachine {
  machine: MachineState;
  driver: ReturnType<VirtioBlk['saveState']>;
  device: ReturnType<VirtIOBlock['saveState']>;
  alloc: ReturnType<AllocationMap['toJSON']>;
  faults: boolean[];
  data: unknown;
  dataBytes?: Uint8Array;
}

export class MachineSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineSetupError';
  }
}

function topFunction(actor: ActorId): string {
  if (actor === 'irq') return 'vring_interrupt';
  if (actor.startsWith('vcpu')) return 'virtio_queue_rq';
  return 'virtio_blk_handle_output';
}

// JSON cannot hold bigint or typed arrays; checkpoints must, so they are tagged.
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  // Tag checks, not instanceof: arrays from another realm (a test DOM, a worker) must be recognised too.
  if (Object.prototype.toString.call(value) === '[object Uint8Array]') return { $u8: toHex(value as Uint8Array) };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { $typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) };
  }
  if (Object.prototype.toString.call(value) === '[object Map]')
    return { $map: [...(value as Map<unknown, unknown>).entries()] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.$bigint === 'string') return BigInt(v.$bigint);
    if (typeof v.$u8 === 'string') return fromHex(v.$u8);
    if (typeof v.$typed === 'string') return typedArrayOf(v.$typed, v.values as number[]);
    if (Array.isArray(v.$map)) return new Map(v.$map as [unknown, unknown][]);
  }
  return value;
}

function typedArrayOf(name: string, values: number[]): ArrayBufferView {
  switch (name) {
    case 'Uint8Array':
      return Uint8Array.from(values);
    case 'Int16Array':
      return Int16Array.from(values);
    case 'Uint16Array':
      return Uint16Array.from(values);
    case 'Uint32Array':
      return Uint32Array.from(values);
    case 'Int32Array':
      return Int32Array.from(values);
    case 'Float64Array':
      return Float64Array.from(values);
    default:
      throw new Error(`checkpoint holds an unknown typed array ${name}`);
  }
}
