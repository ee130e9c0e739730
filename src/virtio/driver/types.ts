import type { AllocationMap } from '../allocationMap';
import type { VirtioError } from '../errors';
import type { FeatureSet } from '../features';
import type { GuestMemory } from '../guestMemory';
import type { SplitRingAddrs } from '../layout';
import type { SplitRing } from '../splitRing';
import type { Tracer } from '../trace';
import type { DescIndex, GuestAddr } from '../types';

/** One scatterlist entry: a guest-physical buffer the device will read (out) or write (in). */
export interface Sg {
  addr: number;
  len: number;
}

/**
 * What `virtqueue_add_*` returns. Linux returns 0 or -ENOSPC/-EIO/-ENOMEM; we return the head on success.
 * EINVAL stands for the cases Linux treats as a caller bug (BUG_ON), e.g. no buffers at all.
 * On success `data` is the token that was queued under `head`.
 */
export type AddResult<T> =
  { ok: true; head: DescIndex; data: T } | { ok: false; errno: 'ENOSPC' | 'EIO' | 'EINVAL'; message: string };

export interface VringVirtqueueOptions {
  mem: GuestMemory;
  addrs: SplitRingAddrs;
  /** The negotiated features (driver_features after FEATURES_OK). */
  features: FeatureSet;
  queueIndex: number;
  /** Where indirect tables are allocated (kind 'indirect-table'); none means every chain is direct. */
  allocator?: AllocationMap;
  /** `vq->notify`: the kick. Returning false marks the queue broken (as virtqueue_notify does). */
  notify?: (queueIndex: number) => boolean;
  tracer?: Tracer;
  /** Initial free-running index, to show 16-bit wraparound early. Linux always starts at 0. */
  startIdx?: number;
  /** Linux's `weak_barriers` (true for virtio-pci); VIRTIO_F_ORDER_PLATFORM forces it off. */
  weakBarriers?: boolean;
  /**
   * `vq->vq.callback`, run by vring_interrupt. `null` is Linux's "no callback": NO_INTERRUPT is set at creation.
   * Left out, interrupts stay wanted and vring_interrupt only reports whether there was work.
   */
  callback?: (() => void) | null;
  /** Zero the three ring parts first, as Linux's `__GFP_ZERO` ring allocation does (default true). */
  zeroRing?: boolean;
  /** Maps a token to an owner id for the allocation map, so a request's indirect table is coloured with it. */
  tokenOwner?: (data: unknown) => number | undefined;
}

/** `struct vring_virtqueue`'s split-ring fields, named as Linux names them. A plain object the UI can show. */
export interface VringVirtqueueState {
  /** `vring.num`: the queue size. */
  num: number;
  free_head: number;
  num_free: number;
  avail_idx_shadow: number;
  avail_flags_shadow: number;
  last_used_idx: number;
  num_added: number;
  /** VIRTIO_RING_F_EVENT_IDX negotiated. */
  event: boolean;
  /** VIRTIO_RING_F_INDIRECT_DESC negotiated. */
  indirect: boolean;
  weak_barriers: boolean;
  broken: boolean;
  event_triggered: boolean;
}

/** `struct vring_desc_extra` for every descriptor, as parallel typed arrays: the driver's private copy. */
export interface VringDescExtra {
  addr: Float64Array;
  len: Uint32Array;
  flags: Uint16Array;
  /** The free list's links, and the chain's links while a chain is in flight. */
  next: Uint16Array;
}

/** `struct vring_desc_state_split`, per head. */
export interface VringDescStateSplit<T> {
  data: T | null;
  /** Guest address of the head's indirect table, if it has one. */
  indir_desc: GuestAddr | null;
}

/**
 * Deliberate driver bugs, for fault injection: each hook, when set, lets a caller make the driver misbehave the
 * way real drivers have. Unset (the default), the driver is Linux's.
 */
export interface DriverFaultHooks {
  /** The value virtqueue_add_split stores in avail.idx for the new shadow index (`token`: the buffer's data). */
  publishAvailIdx?: (shadow: number, token: unknown) => number;
  /** True to make detach_buf_split keep the chain at `head` off the free list (num_free does not grow). */
  leakChain?: (head: number, token: unknown) => boolean;
}

/** What the split-ring functions work on: the queue's memory, its state and its hooks. */
export interface SplitVirtqueue<T> {
  readonly mem: GuestMemory;
  readonly ring: SplitRing;
  readonly state: VringVirtqueueState;
  readonly desc_extra: VringDescExtra;
  readonly desc_state: VringDescStateSplit<T>[];
  readonly tracer: Tracer;
  readonly allocator: AllocationMap | null;
  readonly queueIndex: number;
  /** `vq->notify`. */
  readonly notify: (queueIndex: number) => boolean;
  readonly tokenOwner: ((data: unknown) => number | undefined) | null;
  lastError: VirtioError | null;
  /** Injected driver bugs; absent or null for a correct driver. */
  faultHooks?: DriverFaultHooks | null;
}
