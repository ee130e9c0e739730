import type { Region, RegionChange } from '../../virtio/allocationMap';
import { freeListOf } from '../../virtio/driver/freeList';
import type { VringVirtqueueState } from '../../virtio/driver/types';
import { copyVirtQueueState, type VirtQueueState } from '../../virtio/device/virtQueueState';
import { zeroCounters, type MachineCounters } from './machineState';

/**
 * Each side's private state as of the steps of an operation played so far.
 *
 * An operation runs whole before its stores are played one step at a time (OperationCapture), so the driver's
 * and the device's own state is at its end-of-operation value from the first step. To show what the real code
 * holds at each point, the capture calls a PrivateTracker at every store, barrier and event it records (in
 * program order): the tracker notes what changed since the last call as a small delta and the item keeps how
 * many deltas there were by then (`CapturedItem.st`). Playing the item applies the deltas up to it to the
 * operation's `PrivateShown`, which starts as the state before the operation. A change goes with the next item
 * the code records after it, or with the store or event just recorded when the same function makes it before it
 * calls or returns (see OperationCapture.boundary). Only the acting side is tracked, on the queues its operation
 * can move (a guest operation never moves QEMU's state, an IOThread's never Linux's), so an operation suspended
 * while the other side moves (the missing barrier) still shows the other side live. The deltas are kept for the
 * operation in flight only; between operations the live state is shown.
 */

/** One driver queue as the view draws it: Linux's vring_virtqueue fields, its free list, its in-flight heads. */
export interface DriverQueueShown {
  state: VringVirtqueueState;
  free: number[];
  /** The request id each in-flight head carries, by head. */
  heads: Record<number, number>;
}

/** What changed on one queue at one point of an operation. */
interface QueueDelta {
  q: number;
  state?: VringVirtqueueState;
  /** The new free list: `add` followed by the last `keep` entries of the old one. */
  free?: { keep: number; add: number[] };
  /** Heads whose request changed: head, then request id, or -1 for none. */
  heads?: number[];
  device?: VirtQueueState;
}

export interface PrivateDelta {
  queues: QueueDelta[];
  /** The counters' change since the operation began (cumulative), when it moved. */
  counters?: Partial<MachineCounters>;
  /** Doorbells (guest) or interrupt lines (device) this point of the operation raised. */
  raised?: number[];
  /** Errors reported since the operation began (cumulative): the device's, and 1 if the driver's is new. */
  errors?: [number, number];
  /** Regions of guest memory allocated or freed here (a request's buffers, an indirect table), in order. */
  regions?: RegionChange[];
}

/** An operation's private state as of its steps played so far (plain data: it lives in the machine state). */
export interface PrivateShown {
  side: 'driver' | 'device';
  /** Only the queues the operation changes; the others are shown live. */
  driver: Record<number, DriverQueueShown>;
  device: Record<number, VirtQueueState>;
  /** The counters' change since the operation began, as of the steps played. */
  counters: Partial<MachineCounters>;
  /** The counters' change over the whole operation. */
  total: Partial<MachineCounters>;
  /** Lines the operation raised whose step has not been played yet (doorbells or interrupt lines by `side`). */
  held: number[];
  /** Errors reported (device's, driver's new one) as of the steps played, and over the whole operation. */
  errors: [number, number];
  totalErrors: [number, number];
  deltas: PrivateDelta[];
  /** How many deltas are applied. */
  applied: number;
}

/** What the tracker reads: the driver's queues, the device's queue states, the counters and the lines. */
export interface PrivateSources {
  driverQueues(): readonly {
    state: VringVirtqueueState;
    desc_extra: { next: Uint16Array };
    desc_state: readonly { data: { id: number } | null }[];
  }[];
  /** How many queues the device has, and QEMU's state of queue `q` (null until the device has it). */
  deviceCount(): number;
  deviceQueue(q: number): VirtQueueState | null;
  counters(): MachineCounters;
  /** Doorbells for the driver side, interrupt lines for the device side. */
  lines(side: 'driver' | 'device'): readonly boolean[];
  /** How many errors the device has reported. */
  deviceErrors(): number;
  /** Whether the driver has an error. */
  driverError(): boolean;
}

const COUNTER_KEYS = Object.keys(zeroCounters()) as readonly (keyof MachineCounters)[];

function sameDevice(a: VirtQueueState | null, b: VirtQueueState | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.last_avail_idx === b.last_avail_idx &&
    a.shadow_avail_idx === b.shadow_avail_idx &&
    a.used_idx === b.used_idx &&
    a.signalled_used === b.signalled_used &&
    a.signalled_used_valid === b.signalled_used_valid &&
    a.inuse === b.inuse &&
    a.notification === b.notification &&
    a.broken === b.broken &&
    a.queue_index === b.queue_index &&
    a.vring.num === b.vring.num &&
    a.vring.desc === b.vring.desc &&
    a.vring.avail === b.vring.avail &&
    a.vring.used === b.vring.used
  );
}

/** `next` as `add` followed by the common tail of `prev` and `next`. */
function freeDelta(prev: readonly number[], next: readonly number[]): { keep: number; add: number[] } {
  let keep = 0;
  while (keep < prev.length && keep < next.length && prev[prev.length - 1 - keep] === next[next.length - 1 - keep])
    keep++;
  return { keep, add: next.slice(0, next.length - keep) };
}

function applyFree(prev: readonly number[], d: { keep: number; add: number[] }): number[] {
  return d.add.concat(prev.slice(prev.length - d.keep));
}

type DriverSource = ReturnType<PrivateSources['driverQueues']>[number];

function sameDriverState(a: VringVirtqueueState, b: VringVirtqueueState): boolean {
  return (
    a.free_head === b.free_head &&
    a.num_free === b.num_free &&
    a.avail_idx_shadow === b.avail_idx_shadow &&
    a.avail_flags_shadow === b.avail_flags_shadow &&
    a.last_used_idx === b.last_used_idx &&
    a.num_added === b.num_added &&
    a.broken === b.broken &&
    a.event_triggered === b.event_triggered &&
    a.num === b.num &&
    a.event === b.event &&
    a.indirect === b.indirect &&
    a.weak_barriers === b.weak_barriers
  );
}

/** The tracker's running copy of one driver queue: what the last mark saw. */
interface DriverLast {
  state: VringVirtqueueState;
  free: number[];
  /** Request id by head, -1 for none. */
  heads: number[];
  /** `heads` is still the base's array (copied before the first change). */
  shared: boolean;
}

/**
 * Follows one operation of one side while it runs: made as it starts, `mark()` at every item recorded (returns the
 * number of deltas so far, for the item), `finish()` once it has run. `watch`: the queues the operation can move
 * (all when null). Marks run for every store, so they compare before they copy.
 */
export class PrivateTracker {
  private readonly watch: number[];
  /** Each watched driver queue before the operation (its heads by head, -1 for none). */
  private readonly baseDriver: DriverLast[] = [];
  private readonly baseDevice: (VirtQueueState | null)[] = [];
  private readonly baseCounters: MachineCounters;
  private readonly baseDeviceErrors: number;
  private readonly baseDriverError: boolean;
  private readonly lastDriver: DriverLast[] = [];
  private readonly lastDevice: (VirtQueueState | null)[] = [];
  /** The counters as the last mark saw them. */
  private countersSeen: MachineCounters;
  private lastErrors: [number, number] = [0, 0];
  private readonly lines: boolean[];
  private readonly deltas: PrivateDelta[] = [];
  private readonly touched = new Set<number>();
  private readonly raised = new Set<number>();
  /** Regions allocated or freed since the last mark (see regionChanged). */
  private regionChanges: RegionChange[] = [];

  constructor(
    private readonly src: PrivateSources,
    readonly side: 'driver' | 'device',
    watch: readonly number[] | null = null,
  ) {
    const count = side === 'driver' ? src.driverQueues().length : src.deviceCount();
    this.watch = [];
    if (watch) for (const q of watch) if (q < count) this.watch.push(q);
    if (!watch) for (let q = 0; q < count; q++) this.watch.push(q);
    if (side === 'driver') {
      const vqs = src.driverQueues();
      for (const q of this.watch) {
        const vq = vqs[q]!;
        const ds = vq.desc_state;
        const heads = new Array<number>(ds.length);
        for (let head = 0; head < ds.length; head++) {
          const data = ds[head]!.data;
          heads[head] = data === null ? -1 : data.id;
        }
        const base: DriverLast = { state: { ...vq.state }, free: freeListOf(vq), heads, shared: true };
        this.baseDriver[q] = base;
        this.lastDriver[q] = { ...base };
      }
    } else {
      for (const q of this.watch) {
        const st = src.deviceQueue(q);
        this.baseDevice[q] = st && copyVirtQueueState(st);
        this.lastDevice[q] = this.baseDevice[q]!;
      }
    }
    this.baseCounters = { ...src.counters() };
    this.countersSeen = this.baseCounters;
    this.baseDeviceErrors = src.deviceErrors();
    this.baseDriverError = src.driverError();
    this.lines = src.lines(side).slice();
  }

  /** The allocation map's observer while the operation runs: the change goes with the next mark. */
  regionChanged(change: RegionChange): void {
    this.regionChanges.push({ freed: change.freed, region: { ...change.region } });
  }

  /**
   * Notes what changed since the last mark; returns how many deltas there are now. The heads are read again only
   * when the driver's fields moved (an add or a detach moves num_free with them) or `all` is set.
   */
  mark(all = false): number {
    let queues: QueueDelta[] | null = null;
    if (this.side === 'driver') {
      const vqs = this.src.driverQueues();
      for (const q of this.watch) {
        const d = this.driverDelta(q, vqs[q]!, all);
        if (d) (queues ??= []).push(d);
      }
    } else {
      for (const q of this.watch) {
        const st = this.src.deviceQueue(q);
        if (sameDevice(st, this.lastDevice[q] ?? null)) continue;
        const copy = st && copyVirtQueueState(st);
        this.lastDevice[q] = copy;
        this.touched.add(q);
        if (copy) (queues ??= []).push({ q, device: copy });
      }
    }
    let delta: PrivateDelta | null = queues ? { queues } : null;
    if (this.countersMoved()) {
      (delta ??= { queues: [] }).counters = this.counterChange();
    }
    const lines = this.src.lines(this.side);
    for (let q = 0; q < lines.length; q++) {
      if (lines[q] === this.lines[q]) continue;
      this.lines[q] = lines[q]!;
      if (!lines[q]) continue;
      delta ??= { queues: [] };
      (delta.raised ??= []).push(q);
      this.raised.add(q);
    }
    const device = this.src.deviceErrors() - this.baseDeviceErrors;
    const driver = this.src.driverError() && !this.baseDriverError ? 1 : 0;
    if (device !== this.lastErrors[0] || driver !== this.lastErrors[1]) {
      this.lastErrors = [device, driver];
      (delta ??= { queues: [] }).errors = this.lastErrors;
    }
    if (this.regionChanges.length > 0) {
      (delta ??= { queues: [] }).regions = this.regionChanges;
      this.regionChanges = [];
    }
    if (delta) this.deltas.push(delta);
    return this.deltas.length;
  }

  /**
   * What the operation's steps start from. `marks`: the highest mark any item carries; later changes (made after
   * the operation's last item) are left to its end, where the live state is shown.
   */
  finish(marks: number): PrivateShown {
    this.mark(true);
    const driver: Record<number, DriverQueueShown> = {};
    const device: Record<number, VirtQueueState> = {};
    for (const q of this.touched) {
      if (this.side === 'driver') {
        const base = this.baseDriver[q]!;
        const heads: Record<number, number> = {};
        for (let head = 0; head < base.heads.length; head++)
          if (base.heads[head]! >= 0) heads[head] = base.heads[head]!;
        driver[q] = { state: base.state, free: base.free, heads };
      } else {
        const s = this.baseDevice[q];
        if (s) device[q] = s;
      }
    }
    return {
      side: this.side,
      driver,
      device,
      counters: {},
      total: this.counterChange(),
      held: [...this.raised],
      errors: [0, 0],
      totalErrors: this.errorChange(),
      deltas: this.deltas.slice(0, marks),
      applied: 0,
    };
  }

  private errorChange(): [number, number] {
    return [this.src.deviceErrors() - this.baseDeviceErrors, this.src.driverError() && !this.baseDriverError ? 1 : 0];
  }

  private countersMoved(): boolean {
    const a = this.src.counters();
    const b = this.countersSeen;
    const same =
      a.requests === b.requests &&
      a.completed === b.completed &&
      a.kicks === b.kicks &&
      a.kicks_suppressed === b.kicks_suppressed &&
      a.interrupts === b.interrupts &&
      a.interrupts_suppressed === b.interrupts_suppressed &&
      a.ring_full === b.ring_full &&
      a.kicks_lost === b.kicks_lost &&
      a.interrupts_lost === b.interrupts_lost;
    if (!same) this.countersSeen = { ...a };
    return !same;
  }

  private counterChange(): Partial<MachineCounters> {
    const a = this.src.counters();
    const b = this.baseCounters;
    const out: Partial<MachineCounters> = {};
    if (a.requests !== b.requests) out.requests = a.requests - b.requests;
    if (a.completed !== b.completed) out.completed = a.completed - b.completed;
    if (a.kicks !== b.kicks) out.kicks = a.kicks - b.kicks;
    if (a.kicks_suppressed !== b.kicks_suppressed) out.kicks_suppressed = a.kicks_suppressed - b.kicks_suppressed;
    if (a.interrupts !== b.interrupts) out.interrupts = a.interrupts - b.interrupts;
    if (a.interrupts_suppressed !== b.interrupts_suppressed)
      out.interrupts_suppressed = a.interrupts_suppressed - b.interrupts_suppressed;
    if (a.ring_full !== b.ring_full) out.ring_full = a.ring_full - b.ring_full;
    if (a.kicks_lost !== b.kicks_lost) out.kicks_lost = a.kicks_lost - b.kicks_lost;
    if (a.interrupts_lost !== b.interrupts_lost) out.interrupts_lost = a.interrupts_lost - b.interrupts_lost;
    return out;
  }

  private driverDelta(q: number, vq: DriverSource, all: boolean): QueueDelta | null {
    const last = this.lastDriver[q]!;
    let d: QueueDelta | null = null;
    const moved = !sameDriverState(vq.state, last.state);
    if (moved) {
      const state = { ...vq.state };
      d = { q, state };
      // The free list moves only with free_head or num_free (add takes from its front, detach puts a chain there).
      if (state.free_head !== last.state.free_head || state.num_free !== last.state.num_free) {
        const free = freeListOf(vq);
        d.free = freeDelta(last.free, free);
        last.free = free;
      }
      last.state = state;
    }
    if (!moved && !all) return null;
    const ds = vq.desc_state;
    let heads: number[] | null = null;
    for (let head = 0; head < ds.length; head++) {
      const data = ds[head]!.data;
      const now = data === null ? -1 : data.id;
      if (now === last.heads[head]) continue;
      if (last.shared) {
        last.heads = last.heads.slice();
        last.shared = false;
      }
      last.heads[head] = now;
      (heads ??= []).push(head, now);
    }
    if (heads) (d ??= { q }).heads = heads;
    if (d) this.touched.add(q);
    return d;
  }
}

/** Applies the deltas up to `mark` (an item's `st`): called as each item is played. Marks only move forward. */
export function advanceShown(p: PrivateShown, mark: number): void {
  for (; p.applied < mark && p.applied < p.deltas.length; p.applied++) {
    const d = p.deltas[p.applied]!;
    for (const qd of d.queues) {
      if (qd.device) p.device[qd.q] = qd.device;
      const s = p.driver[qd.q];
      if (!s) continue;
      if (qd.state) s.state = qd.state;
      if (qd.free) s.free = applyFree(s.free, qd.free);
      const h = qd.heads ?? [];
      for (let k = 0; k < h.length; k += 2) {
        if (h[k + 1]! < 0) delete s.heads[h[k]!];
        else s.heads[h[k]!] = h[k + 1]!;
      }
    }
    if (d.counters) p.counters = d.counters;
    if (d.raised) p.held = p.held.filter((q) => !d.raised!.includes(q));
    if (d.errors) p.errors = d.errors;
  }
}

/** The counters as shown: the live ones less what the operations in flight have not played yet. */
export function shownCounters(live: MachineCounters, ops: readonly PrivateShown[]): MachineCounters {
  const out = { ...live };
  for (const p of ops) {
    for (const k of COUNTER_KEYS) out[k] -= (p.total[k] ?? 0) - (p.counters[k] ?? 0);
  }
  return out;
}

/**
 * The regions as shown: the live ones with the changes the operations in flight made but have not played yet
 * undone, newest first. `ops` in the order they ran (an operation suspended before one that is playing).
 */
export function shownRegions(live: readonly Region[], ops: readonly PrivateShown[]): Region[] {
  const unplayed: RegionChange[] = [];
  for (const p of ops)
    for (let i = p.applied; i < p.deltas.length; i++) for (const c of p.deltas[i]!.regions ?? []) unplayed.push(c);
  if (unplayed.length === 0) return live.slice();
  const byStart = new Map<number, Region>(live.map((r) => [r.start, r]));
  for (let i = unplayed.length - 1; i >= 0; i--) {
    const { freed, region } = unplayed[i]!;
    if (freed) byStart.set(region.start, region);
    else byStart.delete(region.start);
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** Errors the operations in flight reported but have not shown yet: the device's (newest last), the driver's. */
export function unshownErrors(ops: readonly PrivateShown[]): { device: number; driver: boolean } {
  let device = 0;
  let driver = false;
  for (const p of ops) {
    device += p.totalErrors[0] - p.errors[0];
    if (p.totalErrors[1] > p.errors[1]) driver = true;
  }
  return { device, driver };
}
