// The ring-throughput benchmark's shared definitions: the guest-memory layout, the control words, and the
// messages between the page (or Node's main thread) and the two workers. Kept free of worker APIs, so the Node
// and browser entries and the tests can all use it.
import { VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX } from '../../virtio/constants';
import { withFeatures, type FeatureSet } from '../../virtio/features';
import { descTableBytes, legacyRingBytes, legacyUsedOffset, type SplitRingAddrs } from '../../virtio/layout';

/**
 * Whose ring code runs the two sides: the engine's (VringVirtqueue and VirtQueue, what the benchmark measures) or
 * the same protocol hand-written on typed arrays (handWritten.ts), a reference for what JavaScript itself reaches.
 */
export type RingBenchImpl = 'engine' | 'hand-written';

export interface RingBenchOptions {
  /** Default 'engine'. */
  impl?: RingBenchImpl;
  /**
   * The device side's implementation, when it differs from the driver's (`impl`): a mixed pair shows whether one
   * side alone limits the pair.
   */
  deviceImpl?: RingBenchImpl;
  /** Negotiate VIRTIO_RING_F_EVENT_IDX (used_event / avail_event) instead of the flags. */
  eventIdx: boolean;
  /** Queue size: a power of two, at most 32768. */
  queueSize: number;
  /** How long requests are counted, after the warm-up. */
  durationMs: number;
  /**
   * Run this long first without counting (default 100 ms, as the C program does), so the JIT has compiled the
   * hot loop before the window opens.
   */
  warmupMs?: number;
}

export const DEFAULT_WARMUP_MS = 100;

export interface RingBenchResult {
  /** Requests completed: added by the driver, popped and pushed by the device, reclaimed by the driver. */
  requests: number;
  /** The counting window, as the driver saw it (from its first look at MEASURE to its first look at STOP). */
  seconds: number;
  opsPerSec: number;
  /**
   * virtqueue_kick_prepare() said the device must be notified (counted, never delivered: both sides poll). This
   * and `interrupts` count the whole run, warm-up and drain included, as the C program does.
   */
  kicks: number;
  /** virtio_should_notify() said the driver must be interrupted (counted likewise). */
  interrupts: number;
}

/** Bytes of each request's buffer. The device only maps it; nobody touches the data. */
export const BENCH_BUF_LEN = 4096;
const PAGE = 4096;

/**
 * Where everything sits in guest memory: the ring in the legacy layout (descriptor table at 0, avail ring right
 * after it, used ring on the next 4 KiB boundary, so the two sides' hot fields are not on one cache line), then one
 * buffer per ring slot.
 */
export interface BenchLayout {
  addrs: SplitRingAddrs;
  buffers: number;
  memSize: number;
}

export function benchLayout(queueSize: number): BenchLayout {
  const ringEnd = legacyRingBytes(queueSize);
  const buffers = Math.ceil(ringEnd / PAGE) * PAGE;
  return {
    addrs: { size: queueSize, desc: 0, avail: descTableBytes(queueSize), used: legacyUsedOffset(queueSize) },
    buffers,
    memSize: buffers + queueSize * BENCH_BUF_LEN,
  };
}

export const benchFeatures = (eventIdx: boolean): FeatureSet =>
  eventIdx ? withFeatures(VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX) : withFeatures(VIRTIO_F_VERSION_1);

/** Indices into the control words (an Int32Array over its own SharedArrayBuffer). */
export const CTL_PHASE = 0;
/**
 * Set to 1 by the driver when its first request completes, and when its first one inside the window does: the
 * page paces the phases with them. Written once each, on their own cache line (64 bytes on), so they cost the
 * polling loops nothing.
 */
export const CTL_STARTED = 16;
export const CTL_COUNTING = 17;
export const CTL_WORDS = 32;

/**
 * Phases, moved forward only: the page sets GO (warm-up), MEASURE (count) and STOP (no more adding); the driver
 * sets DONE once every request came back (or either side on an error), and the device stops polling.
 */
export const PHASE_SETUP = 0;
export const PHASE_GO = 1;
export const PHASE_MEASURE = 2;
export const PHASE_STOP = 3;
export const PHASE_DONE = 4;

export type RingBenchRole = 'driver' | 'device';

export interface RingBenchStart {
  role: RingBenchRole;
  impl: RingBenchImpl;
  guest: SharedArrayBuffer;
  control: SharedArrayBuffer;
  eventIdx: boolean;
  queueSize: number;
}

export interface DriverStats {
  /** Completed inside the window. */
  requests: number;
  kicks: number;
  seconds: number;
  /** Completed in all, warm-up and drain included: what the device must have popped. */
  total: number;
}

export interface DeviceStats {
  popped: number;
  interrupts: number;
}

export type RingBenchReply =
  | { type: 'ready'; role: RingBenchRole }
  | { type: 'driver-done'; stats: DriverStats }
  | { type: 'device-done'; stats: DeviceStats }
  | { type: 'error'; role: RingBenchRole; message: string };

export function validateBenchOptions(opts: RingBenchOptions): void {
  const { queueSize, durationMs } = opts;
  if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 32768 || (queueSize & (queueSize - 1)) !== 0) {
    throw new RangeError(`queueSize must be a power of two from 1 to 32768, got ${queueSize}`);
  }
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new RangeError(`durationMs must be a positive number, got ${durationMs}`);
  }
  for (const key of ['impl', 'deviceImpl'] as const) {
    const v = opts[key];
    if (v !== undefined && v !== 'engine' && v !== 'hand-written') {
      throw new RangeError(`${key} must be 'engine' or 'hand-written', got ${String(v)}`);
    }
  }
  const warmupMs = opts.warmupMs ?? DEFAULT_WARMUP_MS;
  if (!Number.isFinite(warmupMs) || warmupMs < 0) {
    throw new RangeError(`warmupMs must be a number >= 0, got ${warmupMs}`);
  }
}
