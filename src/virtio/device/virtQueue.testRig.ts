// Test support: a guest memory with one split ring, a VirtQueue on it, and a minimal "driver" that writes the
// descriptor table and avail ring directly through SplitRing (the real driver lives elsewhere and is not used).
import { VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../constants';
import type { VirtioError, VirtioErrorKind } from '../errors';
import type { FeatureSet } from '../features';
import { GuestMemory } from '../guestMemory';
import type { SplitRingAddrs } from '../layout';
import { SplitRing } from '../splitRing';
import type { BarrierKind, Tracer } from '../trace';
import type { Result } from '../types';
import { VirtQueue } from './virtQueue';

export const MEM_SIZE = 0x10000;
export const DESC = 0x1000;
export const AVAIL = 0x2000;
export const USED = 0x3000;
/** Data buffers and indirect tables go from here up. */
export const BUF = 0x8000;

export interface RigOptions {
  size?: number;
  features?: FeatureSet;
  startIdx?: number;
  maxIovecs?: number;
  specChecks?: boolean;
  tracer?: Tracer;
  memSize?: number;
}

/** One buffer of a chain, as the driver describes it. */
export interface Seg {
  addr: number | bigint;
  len: number;
  write?: boolean;
  /** Extra flags (e.g. INDIRECT); NEXT and WRITE come from the chain's shape. */
  flags?: number;
}

export class TestDriver {
  availIdx: number;

  constructor(
    readonly ring: SplitRing,
    startIdx = 0,
  ) {
    this.availIdx = startIdx & 0xffff;
    ring.setAvailIdx(this.availIdx);
  }

  /** Writes `segs` at table entries `indices` (in the ring's table or an indirect one), linked with NEXT. */
  writeChain(indices: number[], segs: Seg[], table = this.ring.addrs.desc): void {
    segs.forEach((seg, k) => {
      const last = k === segs.length - 1;
      this.ring.writeDesc(
        indices[k] ?? 0,
        {
          addr: BigInt(seg.addr),
          len: seg.len,
          flags: (seg.write ? VRING_DESC_F_WRITE : 0) | (last ? 0 : VRING_DESC_F_NEXT) | (seg.flags ?? 0),
          next: last ? 0 : (indices[k + 1] ?? 0),
        },
        table,
      );
    });
  }

  /** Puts heads in the avail ring, then publishes them with one avail.idx store. */
  publish(...heads: number[]): void {
    for (const head of heads) {
      this.ring.setAvailRing(this.availIdx % this.ring.size, head);
      this.availIdx = (this.availIdx + 1) & 0xffff;
    }
    this.ring.setAvailIdx(this.availIdx);
  }
}

export function makeRig(o: RigOptions = {}) {
  const size = o.size ?? 8;
  const mem = GuestMemory.create(o.memSize ?? MEM_SIZE, false);
  const addrs: SplitRingAddrs = { size, desc: DESC, avail: AVAIL, used: USED };
  const ring = new SplitRing(mem, addrs);
  const driver = new TestDriver(ring, o.startIdx ?? 0);
  const vq = new VirtQueue({
    mem,
    addrs,
    features: o.features ?? 0n,
    queueIndex: 0,
    tracer: o.tracer,
    startIdx: o.startIdx,
    maxIovecs: o.maxIovecs,
    specChecks: o.specChecks,
  });
  return { mem, ring, addrs, vq, driver };
}

/** Records every enter/leave/barrier as a string, in order. */
export function recordingTracer(): Tracer & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    enter: (fn: string) => events.push(`>${fn}`),
    leave: (fn: string) => events.push(`<${fn}`),
    barrier: (kind: BarrierKind) => events.push(`!${kind}`),
  };
}

/** The error of a failed Result, or a thrown test failure. */
export function errorOf<T>(r: Result<T, VirtioError>, kind?: VirtioErrorKind): VirtioError {
  if (r.ok) throw new Error(`expected a VirtioError${kind ? ` (${kind})` : ''}, got ok`);
  if (kind && r.error.kind !== kind) throw new Error(`expected ${kind}, got ${r.error.kind}: ${r.error.message}`);
  return r.error;
}

/** The value of a successful Result, or a thrown test failure naming the error. */
export function valueOf<T>(r: Result<T, VirtioError>): T {
  if (!r.ok) throw new Error(`unexpected VirtioError ${r.error.kind}: ${r.error.message}`);
  return r.value;
}
