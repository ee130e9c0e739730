import {
  AVAIL_ELEM_SIZE,
  DESC_SIZE,
  USED_ELEM_SIZE,
  VIRTIO_F_NOTIFY_ON_EMPTY,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
  VIRTQUEUE_MAX_SIZE,
  VRING_AVAIL_F_NO_INTERRUPT,
  VRING_USED_F_NO_NOTIFY,
} from '../constants';
import { isGuestMemoryError, type VirtioError } from '../errors';
import { hasFeature, type FeatureSet } from '../features';
import type { GuestMemory } from '../guestMemory';
import { AVAIL_RING, USED_RING, validateQueueSize, type SplitRingAddrs } from '../layout';
import { vring_need_event } from '../needEvent';
import { SplitRing } from '../splitRing';
import { NO_TRACE, traced, type Tracer } from '../trace';
import { err, ok, u16Add, u16Sub, type Result } from '../types';
import { walkSplitChain, type ChainWalkContext } from './virtQueueChain';
import type { VirtQueueElement } from './virtQueueElement';
import { availIdxJump, cannotMapRegion, headOutOfRange, queueSizeExceeded, usedPushInvalid } from './virtQueueErrors';
import { copyVirtQueueState, initialVirtQueueState, type VirtQueueState } from './virtQueueState';

export interface VirtQueueOptions {
  mem: GuestMemory;
  addrs: SplitRingAddrs;
  /** The negotiated (driver-accepted) features. */
  features: FeatureSet;
  queueIndex: number;
  tracer?: Tracer;
  /** last_avail_idx = shadow_avail_idx = used_idx = startIdx; used.idx (and avail_event with EVENT_IDX) are written with it. Default 0 (not written). */
  startIdx?: number;
  /** Most segments one element may map; QEMU's VIRTQUEUE_MAX_SIZE (1024) by default. */
  maxIovecs?: number;
  /**
   * Default true: also reject what the spec forbids but QEMU lets through (the errors with qemuChecks: false), and
   * follow an indirect descriptor that ends a normal chain as spec §2.7.5.3.2 requires. False behaves like QEMU.
   */
  specChecks?: boolean;
}

// Shared answers for the hot paths; frozen, as every caller gets the same object.
const OK_NULL: Result<null, never> = Object.freeze(ok(null));
const OK_VOID: Result<void, never> = Object.freeze(ok(undefined));
const OK_TRUE: Result<boolean, never> = Object.freeze(ok(true));
const OK_FALSE: Result<boolean, never> = Object.freeze(ok(false));

/** A GuestMemoryError thrown inside `where` becomes its VirtioError; anything else is our bug and goes on up. */
function memoryFault(where: string, e: unknown): Result<never, VirtioError> {
  if (!isGuestMemoryError(e)) throw e;
  return err(e.toVirtioError(where));
}

const s16 = (v: number): number => ((v & 0xffff) << 16) >> 16;
const isU32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/**
 * The device side of one split virtqueue, after QEMU's hw/virtio/virtio.c. Methods keep QEMU's names.
 * It never throws on anything the guest wrote: every violation comes back as a VirtioError (and marks the queue
 * broken); it reads and writes only inside guest memory and bounds every walk.
 * Moving the device to DEVICE_NEEDS_RESET on an error is the VirtIODevice's job.
 */
export class VirtQueue {
  readonly state: VirtQueueState;
  readonly ring: SplitRing;
  /** Set when the rings cannot be used at all (QEMU's virtio_init_region_cache failing); every call returns it. */
  readonly initError: VirtioError | null;
  private readonly mem: GuestMemory;
  private readonly tracer: Tracer;
  private readonly eventIdx: boolean;
  private readonly notifyOnEmpty: boolean;
  private readonly chain: ChainWalkContext;

  constructor(opts: VirtQueueOptions) {
    const maxIovecs = opts.maxIovecs ?? VIRTQUEUE_MAX_SIZE;
    // Options come from our own code, not the guest: a bad one is a programming error.
    if (!Number.isInteger(maxIovecs) || maxIovecs < 1) throw new RangeError(`maxIovecs must be >= 1, got ${maxIovecs}`);
    this.mem = opts.mem;
    this.tracer = opts.tracer ?? NO_TRACE;
    this.eventIdx = hasFeature(opts.features, VIRTIO_RING_F_EVENT_IDX);
    this.notifyOnEmpty = hasFeature(opts.features, VIRTIO_F_NOTIFY_ON_EMPTY);
    this.ring = new SplitRing(opts.mem, opts.addrs);
    const { size, desc, avail, used } = opts.addrs;
    this.state = initialVirtQueueState({ num: size, desc, avail, used }, opts.queueIndex, opts.startIdx ?? 0);
    this.chain = {
      ring: this.ring,
      mem: opts.mem,
      tracer: this.tracer,
      num: size,
      indirectNegotiated: hasFeature(opts.features, VIRTIO_RING_F_INDIRECT_DESC),
      maxIovecs,
      specChecks: opts.specChecks ?? true,
      ringTable: { addr: desc, max: size, indirect: false },
      desc: { addr: 0, len: 0, flags: 0, next: 0 },
    };
    this.initError = this.checkRegions();
    if (this.initError) this.state.broken = true;
    else if (opts.startIdx !== undefined) {
      this.ring.setUsedIdx(this.state.used_idx);
      // A ring that had really run to startIdx would hold avail_event = startIdx; a zeroed one holds 0, which
      // with EVENT_IDX suppresses the driver's kicks until its index wraps round to 0.
      if (this.eventIdx) this.ring.setAvailEvent(this.state.last_avail_idx);
    }
  }

  /** Like the constructor, but hands back the rings' problem instead of a queue that only reports it. */
  static create(opts: VirtQueueOptions): Result<VirtQueue, VirtioError> {
    const vq = new VirtQueue(opts);
    return vq.initError ? err(vq.initError) : ok(vq);
  }

  /** A copy of the state, for a checkpoint. */
  snapshot(): VirtQueueState {
    return copyVirtQueueState(this.state);
  }

  /** Puts back a state taken with snapshot() from a queue on the same rings. */
  restore(saved: VirtQueueState): void {
    Object.assign(this.state, copyVirtQueueState(saved));
  }

  /** QEMU's virtio_queue_empty() (split): re-reads avail.idx only when every entry seen so far was popped. */
  virtio_queue_empty(): Result<boolean, VirtioError> {
    return this.guard('virtio_queue_split_empty', () =>
      traced(this.tracer, 'virtio_queue_empty', () =>
        traced(this.tracer, 'virtio_queue_split_empty', () => {
          if (this.state.broken) return ok(true);
          return ok(this.emptyRcu());
        }),
      ),
    );
  }

  // The hot paths below (pop, fill, flush, push, should_notify: once per request each) spell out what guard() and
  // traced() do (a stray GuestMemoryError caught and turned into a VirtioError, an error marking the queue broken)
  // instead of passing closures: a closure per call was most of their cost. Their trace frames are plain
  // enter/leave pairs, not try/finally: a fault can only unwind them to the public method's catch, which leaves
  // its own frame, and a Tracer's leave(fn) also leaves every frame entered after fn (see Tracer). Common answers
  // are shared frozen Results, so they allocate nothing either.

  /** QEMU's virtqueue_pop() → virtqueue_split_pop(): the next available chain, or null when there is none. */
  virtqueue_pop(): Result<VirtQueueElement | null, VirtioError> {
    if (this.initError) return err(this.initError);
    let result: Result<VirtQueueElement | null, VirtioError>;
    this.tracer.enter('virtqueue_pop');
    try {
      result = this.pop();
    } catch (e) {
      result = memoryFault('virtqueue_split_pop', e);
    }
    this.tracer.leave('virtqueue_pop');
    return this.settle(result);
  }

  private pop(): Result<VirtQueueElement | null, VirtioError> {
    if (this.state.broken) return OK_NULL;
    this.tracer.enter('virtqueue_split_pop');
    const result = this.splitPop();
    this.tracer.leave('virtqueue_split_pop');
    return result;
  }

  /** QEMU's virtqueue_fill() → virtqueue_split_fill(): writes used.ring[(used_idx + idx) % num] = {head, len}. */
  virtqueue_fill(elem: VirtQueueElement, len: number, idx: number): Result<void, VirtioError> {
    if (this.initError) return err(this.initError);
    let result: Result<void, VirtioError>;
    this.tracer.enter('virtqueue_fill');
    try {
      result = this.fill(elem, len, idx);
    } catch (e) {
      result = memoryFault('virtqueue_split_fill', e);
    }
    this.tracer.leave('virtqueue_fill');
    return this.settle(result);
  }

  private fill(elem: VirtQueueElement, len: number, idx: number): Result<void, VirtioError> {
    const s = this.state;
    // QEMU's virtio_device_disabled(): a broken device writes nothing.
    if (s.broken) return OK_VOID;
    const bad = this.checkFill(elem, len, idx);
    if (bad) return err(bad);
    this.tracer.enter('virtqueue_split_fill');
    // The queue size is a power of two (checked at setup), so the mask is QEMU's `% vq->vring.num`.
    this.ring.writeUsedElem((idx + s.used_idx) & (s.vring.num - 1), elem.index, len);
    this.tracer.leave('virtqueue_split_fill');
    return OK_VOID;
  }

  /** QEMU's virtqueue_flush() → virtqueue_split_flush(): publishes `count` filled elements in used.idx. */
  virtqueue_flush(count: number): Result<void, VirtioError> {
    if (this.initError) return err(this.initError);
    let result: Result<void, VirtioError>;
    this.tracer.enter('virtqueue_flush');
    try {
      result = this.flush(count);
    } catch (e) {
      result = memoryFault('virtqueue_split_flush', e);
    }
    this.tracer.leave('virtqueue_flush');
    return this.settle(result);
  }

  private flush(count: number): Result<void, VirtioError> {
    const s = this.state;
    if (!(count >= 0 && count <= s.inuse && Number.isInteger(count))) {
      return err(
        usedPushInvalid('virtqueue_split_flush', `flush of ${count} element(s) with ${s.inuse} in use`, {
          count,
          inuse: s.inuse,
        }),
      );
    }
    if (s.broken) {
      s.inuse -= count;
      return OK_VOID;
    }
    const tracer = this.tracer;
    tracer.enter('virtqueue_split_flush');
    // The used elements must be visible before the index that publishes them.
    tracer.barrier('smp_wmb');
    const old = s.used_idx;
    const next = u16Add(old, count);
    this.ring.setUsedIdx(next);
    s.used_idx = next;
    s.inuse -= count;
    // used_idx ran past the last signalled value by a whole batch: the EVENT_IDX window is no longer known.
    if (s16(next - s.signalled_used) < u16Sub(next, old)) s.signalled_used_valid = false;
    tracer.leave('virtqueue_split_flush');
    return OK_VOID;
  }

  /** QEMU's virtqueue_push(): fill at offset 0, then flush 1. */
  virtqueue_push(elem: VirtQueueElement, len: number): Result<void, VirtioError> {
    this.tracer.enter('virtqueue_push');
    const filled = this.virtqueue_fill(elem, len, 0);
    const result = filled.ok ? this.virtqueue_flush(1) : filled;
    this.tracer.leave('virtqueue_push');
    return result;
  }

  /** QEMU's virtio_should_notify() → virtio_split_should_notify(): whether to interrupt the driver now. */
  virtio_should_notify(): Result<boolean, VirtioError> {
    if (this.initError) return err(this.initError);
    let result: Result<boolean, VirtioError>;
    this.tracer.enter('virtio_should_notify');
    this.tracer.enter('virtio_split_should_notify');
    try {
      result = this.shouldNotify();
    } catch (e) {
      result = memoryFault('virtio_split_should_notify', e);
    }
    this.tracer.leave('virtio_split_should_notify');
    this.tracer.leave('virtio_should_notify');
    return this.settle(result);
  }

  private shouldNotify(): Result<boolean, VirtioError> {
    const s = this.state;
    // The used entries must be visible before the driver's suppression fields are read.
    this.tracer.barrier('smp_mb');
    if (this.notifyOnEmpty && s.inuse === 0) {
      const empty = this.virtio_queue_empty();
      if (!empty.ok) return empty;
      if (empty.value) return OK_TRUE;
    }
    if (!this.eventIdx) return (this.ring.availFlags() & VRING_AVAIL_F_NO_INTERRUPT) === 0 ? OK_TRUE : OK_FALSE;
    const valid = s.signalled_used_valid;
    s.signalled_used_valid = true;
    const old = s.signalled_used;
    s.signalled_used = s.used_idx;
    return !valid || vring_need_event(this.ring.usedEvent(), s.used_idx, old) ? OK_TRUE : OK_FALSE;
  }

  /** QEMU's virtio_queue_set_notification() (split): asks the driver for kicks, or not. */
  virtio_queue_set_notification(enable: boolean): Result<void, VirtioError> {
    return this.guard('virtio_queue_split_set_notification', () =>
      traced(this.tracer, 'virtio_queue_set_notification', () => {
        this.state.notification = enable;
        traced(this.tracer, 'virtio_queue_split_set_notification', () => {
          if (this.eventIdx) {
            // Reads avail.idx (into shadow_avail_idx) even when disabling; only writes avail_event when enabling.
            this.setAvailEvent(this.readAvailIdx());
          } else {
            const flags = this.ring.usedFlags();
            this.ring.setUsedFlags(enable ? flags & ~VRING_USED_F_NO_NOTIFY : flags | VRING_USED_F_NO_NOTIFY);
          }
          // The request must be visible before the caller re-checks avail.idx, or a kick could be lost.
          if (enable) this.tracer.barrier('smp_mb');
        });
        return ok(undefined);
      }),
    );
  }

  /** QEMU's virtqueue_detach_element(): forget a popped element without returning it to the driver. */
  virtqueue_detach_element(elem: VirtQueueElement): void {
    this.state.inuse = Math.max(0, this.state.inuse - elem.ndescs);
  }

  /** QEMU's virtqueue_unpop(): the next pop returns this (the most recent) element again. */
  virtqueue_unpop(elem: VirtQueueElement): void {
    this.state.last_avail_idx = u16Sub(this.state.last_avail_idx, 1);
    this.virtqueue_detach_element(elem);
  }

  /** QEMU's virtqueue_rewind(): give back the `num` most recent elements; false if fewer are in use. */
  virtqueue_rewind(num: number): boolean {
    if (num > this.state.inuse) return false;
    this.state.inuse -= num;
    this.state.last_avail_idx = u16Sub(this.state.last_avail_idx, num);
    return true;
  }

  private splitPop(): Result<VirtQueueElement | null, VirtioError> {
    const s = this.state;
    const tracer = this.tracer;
    const num = s.vring.num;
    if (this.emptyRcu()) return OK_NULL;
    // QEMU's current split pop trusts the shadow index here; its virtqueue_num_heads() (older pops, and
    // virtqueue_get_avail_bytes) rejects a jump. Checking it on every pop catches the bad index at once, even one
    // read by set_notification, instead of after N pops as "Virtqueue size exceeded".
    if (u16Sub(s.shadow_avail_idx, s.last_avail_idx) > num) {
      return err(availIdxJump(s.last_avail_idx, s.shadow_avail_idx));
    }
    // The ring entry and descriptors must be read after the avail.idx that published them.
    tracer.barrier('smp_rmb');
    if (s.inuse >= num) return err(queueSizeExceeded(s.inuse, num));

    // num is a power of two (checked at setup): the mask is QEMU's `% vq->vring.num`.
    const slot = s.last_avail_idx & (num - 1);
    s.last_avail_idx = u16Add(s.last_avail_idx, 1);
    tracer.enter('virtqueue_get_head');
    const head = this.ring.availRing(slot);
    tracer.leave('virtqueue_get_head');
    if (head >= num) return err(headOutOfRange(head, num));
    // QEMU stores avail_event here with a plain store and no barrier: the driver only needs it by the time the
    // device stops polling, and set_notification(true) (ordered, then smp_mb) covers that. The used.idx store that
    // follows a pop is a full barrier here anyway.
    if (this.eventIdx) this.setAvailEvent(s.last_avail_idx, false);

    const popped = walkSplitChain(this.chain, head);
    if (popped.ok) s.inuse++;
    return popped;
  }

  /** QEMU's virtio_queue_empty_rcu(). */
  private emptyRcu(): boolean {
    const s = this.state;
    // The shadow says there is more: QEMU's fast path, which reads no guest memory.
    if (s.shadow_avail_idx !== s.last_avail_idx) return false;
    this.tracer.enter('virtio_queue_empty_rcu');
    const empty = this.readAvailIdx() === s.last_avail_idx;
    this.tracer.leave('virtio_queue_empty_rcu');
    return empty;
  }

  /** QEMU's vring_avail_idx(): reads avail.idx and remembers it as shadow_avail_idx. */
  private readAvailIdx(): number {
    this.state.shadow_avail_idx = this.ring.availIdx();
    return this.state.shadow_avail_idx;
  }

  /** QEMU's vring_set_avail_event(): only while notifications are wanted. */
  private setAvailEvent(value: number, ordered = true): void {
    if (this.state.notification) this.ring.setAvailEvent(value, ordered);
  }

  private checkFill(elem: VirtQueueElement, len: number, idx: number): VirtioError | null {
    const s = this.state;
    if (
      isU32(len) &&
      elem.index >= 0 &&
      elem.index < s.vring.num &&
      Number.isInteger(idx) &&
      idx >= 0 &&
      idx < s.inuse
    ) {
      return null;
    }
    const detail = { head: elem.index, len, idx, inuse: s.inuse, num: s.vring.num };
    if (!isU32(len)) return usedPushInvalid('virtqueue_split_fill', `used length ${len} is not a u32`, detail);
    if (!(elem.index >= 0 && elem.index < s.vring.num)) {
      return usedPushInvalid(
        'virtqueue_split_fill',
        `head ${elem.index} is not in the ring (size ${s.vring.num})`,
        detail,
      );
    }
    if (!Number.isInteger(idx) || idx < 0 || idx >= s.inuse) {
      return usedPushInvalid('virtqueue_split_fill', `fill at offset ${idx} with ${s.inuse} element(s) in use`, detail);
    }
    return null;
  }

  /** Where QEMU's virtio_init_region_cache() would fail: a part of the ring outside guest memory. */
  private checkRegions(): VirtioError | null {
    const { num, desc, avail, used } = this.state.vring;
    const sized = validateQueueSize(num);
    if (!sized.ok) return sized.error;
    // The event fields exist only with EVENT_IDX (QEMU's virtio_queue_get_{avail,used}_size).
    const event = this.eventIdx ? 2 : 0;
    const parts: ['desc' | 'used' | 'avail', number, number][] = [
      ['desc', desc, DESC_SIZE * num],
      ['used', used, USED_RING + USED_ELEM_SIZE * num + event],
      ['avail', avail, AVAIL_RING + AVAIL_ELEM_SIZE * num + event],
    ];
    for (const [part, addr, len] of parts) {
      if (!this.mem.contains(addr, len)) return cannotMapRegion(part, addr, len, this.mem.size);
    }
    return null;
  }

  /** An error breaks the queue (QEMU's virtio_error() sets vdev->broken). */
  private settle<T>(result: Result<T, VirtioError>): Result<T, VirtioError> {
    if (!result.ok) this.state.broken = true;
    return result;
  }

  /** Turns a stray guest-memory access into a VirtioError (none is expected: regions are checked first). */
  private guard<T>(where: string, body: () => Result<T, VirtioError>): Result<T, VirtioError> {
    if (this.initError) return err(this.initError);
    let result: Result<T, VirtioError>;
    try {
      result = body();
    } catch (e) {
      result = memoryFault(where, e);
    }
    return this.settle(result);
  }
}
