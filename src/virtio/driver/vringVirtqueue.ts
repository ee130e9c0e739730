import type { AllocationMap } from '../allocationMap';
import {
  VIRTIO_F_ORDER_PLATFORM,
  VIRTIO_F_RING_PACKED,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
  VIRTQUEUE_SPEC_MAX_SIZE,
  VRING_AVAIL_F_NO_INTERRUPT,
} from '../constants';
import { isGuestMemoryError, virtioError, type VirtioError } from '../errors';
import { hasFeature } from '../features';
import type { GuestMemory } from '../guestMemory';
import { availRingBytes, descTableBytes, isPowerOfTwo, usedRingBytes } from '../layout';
import { SplitRing } from '../splitRing';
import { NO_TRACE, traced, type Tracer } from '../trace';
import { err, ok, type Result } from '../types';
import { virtqueue_add_split } from './addSplit';
import {
  virtqueue_disable_cb_split,
  virtqueue_enable_cb_delayed_split,
  virtqueue_enable_cb_prepare_split,
  virtqueue_enable_cb_split,
  virtqueue_poll_split,
  vring_interrupt,
} from './callbacks';
import { vring_alloc_desc_extra } from './freeList';
import { more_used_split, virtqueue_detach_unused_buf_split, virtqueue_get_buf_ctx_split } from './getBuf';
import { virtqueue_kick, virtqueue_kick_prepare_split, virtqueue_notify } from './kick';
import type {
  AddResult,
  DriverFaultHooks,
  Sg,
  SplitVirtqueue,
  VringDescExtra,
  VringDescStateSplit,
  VringVirtqueueOptions,
  VringVirtqueueState,
} from './types';

/** Thrown by the constructor when the queue cannot be built; `error` says why. */
export class VirtqueueSetupError extends Error {
  constructor(readonly error: VirtioError) {
    super(error.message);
    this.name = 'VirtqueueSetupError';
  }
}

function setupError(message: string, detail: Record<string, number | string>, kind: VirtioError['kind']) {
  return new VirtqueueSetupError(
    virtioError(kind, { side: 'driver', message, spec: '2.7', where: 'vring_create_virtqueue_split', detail }),
  );
}

/**
 * The driver side of one split virtqueue, as Linux's drivers/virtio/virtio_ring.c runs it. Every ring access
 * goes through SplitRing, so an address outside guest memory raises GuestMemoryError (checked up front here,
 * for the three ring parts). Method names are Linux's exported API.
 */
export class VringVirtqueue<T> implements SplitVirtqueue<T> {
  readonly mem: GuestMemory;
  readonly ring: SplitRing;
  readonly state: VringVirtqueueState;
  readonly desc_extra: VringDescExtra;
  readonly desc_state: VringDescStateSplit<T>[];
  readonly tracer: Tracer;
  readonly allocator: AllocationMap | null;
  readonly queueIndex: number;
  readonly notify: (queueIndex: number) => boolean;
  readonly tokenOwner: ((data: unknown) => number | undefined) | null;
  readonly callback: (() => void) | null;
  lastError: VirtioError | null = null;
  /** Injected driver bugs (fault injection only); null for Linux's behaviour. */
  faultHooks: DriverFaultHooks | null = null;

  /** Linux: vring_create_virtqueue_split() with __vring_new_virtqueue(): zeroed ring, everything free. */
  constructor(opts: VringVirtqueueOptions) {
    const { mem, addrs, features } = opts;
    const num = addrs.size;
    if (!isPowerOfTwo(num) || num > VIRTQUEUE_SPEC_MAX_SIZE) {
      throw setupError(`Bad virtqueue length ${num}`, { size: num }, 'invalid-queue-size');
    }
    if (hasFeature(features, VIRTIO_F_RING_PACKED)) {
      throw setupError(
        'VIRTIO_F_RING_PACKED was negotiated, but this virtqueue is a split ring',
        { feature: VIRTIO_F_RING_PACKED },
        'features-not-accepted',
      );
    }
    this.mem = mem;
    this.ring = new SplitRing(mem, addrs);
    this.tracer = opts.tracer ?? NO_TRACE;
    this.allocator = opts.allocator ?? null;
    this.queueIndex = opts.queueIndex;
    this.notify = opts.notify ?? (() => true);
    this.tokenOwner = opts.tokenOwner ?? null;
    this.callback = opts.callback === undefined ? null : opts.callback;

    const event = hasFeature(features, VIRTIO_RING_F_EVENT_IDX);
    const startIdx = (opts.startIdx ?? 0) & 0xffff;
    this.state = {
      num,
      free_head: 0,
      num_free: num,
      avail_idx_shadow: startIdx,
      avail_flags_shadow: opts.callback === null ? VRING_AVAIL_F_NO_INTERRUPT : 0,
      last_used_idx: startIdx,
      num_added: 0,
      event,
      indirect: hasFeature(features, VIRTIO_RING_F_INDIRECT_DESC),
      weak_barriers: (opts.weakBarriers ?? true) && !hasFeature(features, VIRTIO_F_ORDER_PLATFORM),
      broken: false,
      event_triggered: false,
    };
    this.desc_extra = vring_alloc_desc_extra(num);
    this.desc_state = Array.from({ length: num }, () => ({ data: null, indir_desc: null }));

    traced(this.tracer, 'vring_create_virtqueue_split', () => {
      const parts: [number, number][] = [
        [addrs.desc, descTableBytes(num)],
        [addrs.avail, availRingBytes(num)],
        [addrs.used, usedRingBytes(num)],
      ];
      const zero = opts.zeroRing ?? true;
      for (const [at, len] of parts) {
        if (zero) mem.fill(at, len, 0);
        else mem.check(at, len, 'write');
      }
      if (!event) this.ring.setAvailFlags(this.state.avail_flags_shadow);
      this.ring.setAvailIdx(startIdx);
      this.ring.setUsedEvent(startIdx);
      // A zeroed ring has used.idx == avail.idx == 0. Starting elsewhere, keep them equal so the ring starts empty.
      if (zero) this.ring.setUsedIdx(startIdx);
    });
  }

  /** Linux: virtqueue_add_sgs(). `out` are device-readable, `in_` device-writable; `data` comes back from get_buf. */
  virtqueue_add_sgs(out: readonly Sg[], in_: readonly Sg[], data: T): AddResult<T> {
    // Hot path: a plain enter/leave pair, as traced() would cost a closure per call (see Tracer).
    this.tracer.enter('virtqueue_add_sgs');
    const result = virtqueue_add_split(this, out, in_, data);
    this.tracer.leave('virtqueue_add_sgs');
    return result;
  }

  /** Linux: virtqueue_add_outbuf(). */
  virtqueue_add_outbuf(sg: readonly Sg[], data: T): AddResult<T> {
    return traced(this.tracer, 'virtqueue_add_outbuf', () => virtqueue_add_split(this, sg, [], data));
  }

  /** Linux: virtqueue_add_inbuf(). */
  virtqueue_add_inbuf(sg: readonly Sg[], data: T): AddResult<T> {
    return traced(this.tracer, 'virtqueue_add_inbuf', () => virtqueue_add_split(this, [], sg, data));
  }

  /** Linux: virtqueue_kick_prepare(). */
  virtqueue_kick_prepare(): boolean {
    return virtqueue_kick_prepare_split(this);
  }

  /** Linux: virtqueue_notify(). */
  virtqueue_notify(): boolean {
    return virtqueue_notify(this);
  }

  /** Linux: virtqueue_kick(). */
  virtqueue_kick(): boolean {
    return virtqueue_kick(this);
  }

  /** Linux: more_used() (split). */
  more_used(): boolean {
    return more_used_split(this);
  }

  /** Linux: virtqueue_get_buf(). Null when nothing is used, or when the device broke the ring (see lastError). */
  virtqueue_get_buf(): { data: T; len: number } | null {
    // Hot path: plain enter/leave pairs (see Tracer).
    const tracer = this.tracer;
    tracer.enter('virtqueue_get_buf');
    tracer.enter('virtqueue_get_buf_ctx');
    const result = virtqueue_get_buf_ctx_split(this);
    tracer.leave('virtqueue_get_buf_ctx');
    tracer.leave('virtqueue_get_buf');
    return result;
  }

  /** Linux: virtqueue_disable_cb(). */
  virtqueue_disable_cb(): void {
    virtqueue_disable_cb_split(this);
  }

  /** Linux: virtqueue_enable_cb_prepare(). The value is opaque: pass it to virtqueue_poll. */
  virtqueue_enable_cb_prepare(): number {
    return virtqueue_enable_cb_prepare_split(this);
  }

  /** Linux: virtqueue_poll(). */
  virtqueue_poll(lastUsedIdx: number): boolean {
    return virtqueue_poll_split(this, lastUsedIdx);
  }

  /** Linux: virtqueue_enable_cb(). True when the ring stayed empty, so the caller may wait for an interrupt. */
  virtqueue_enable_cb(): boolean {
    return virtqueue_enable_cb_split(this);
  }

  /** Linux: virtqueue_enable_cb_delayed(). */
  virtqueue_enable_cb_delayed(): boolean {
    return virtqueue_enable_cb_delayed_split(this);
  }

  /** Linux: virtqueue_detach_unused_buf(). */
  virtqueue_detach_unused_buf(): T | null {
    return traced(this.tracer, 'virtqueue_detach_unused_buf', () => virtqueue_detach_unused_buf_split(this));
  }

  /** Linux: vring_interrupt(). The device's interrupt for this queue arrives here. */
  vring_interrupt(): 'IRQ_NONE' | 'IRQ_HANDLED' {
    return vring_interrupt(this, this.callback);
  }

  /** Linux: virtqueue_get_vring_size(). */
  virtqueue_get_vring_size(): number {
    return this.state.num;
  }

  /** Linux: virtqueue_is_broken(). */
  virtqueue_is_broken(): boolean {
    return this.state.broken;
  }
}

/** The constructor as a Result: setup problems and ring addresses outside guest memory become a VirtioError. */
export function vring_create_virtqueue_split<T>(opts: VringVirtqueueOptions): Result<VringVirtqueue<T>, VirtioError> {
  try {
    return ok(new VringVirtqueue<T>(opts));
  } catch (e) {
    if (e instanceof VirtqueueSetupError) return err(e.error);
    if (isGuestMemoryError(e))
      return err({ ...e.toVirtioError('vring_create_virtqueue_split', '2.7'), side: 'driver' });
    throw e;
  }
}
