// Test support for the driver: a guest memory with a ring at fixed addresses, and a tiny device that plays the
// other side through SplitRing only. Not a device model: it trusts the driver and checks nothing.
import { AllocationMap } from '../allocationMap';
import { DESC_SIZE, VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT } from '../constants';
import type { FeatureSet } from '../features';
import { GuestMemory } from '../guestMemory';
import { availRingBytes, descTableBytes, usedRingBytes, type SplitRingAddrs } from '../layout';
import { SplitRing, type VringDesc } from '../splitRing';
import type { BarrierKind, Tracer } from '../trace';
import { u16Add, u16Sub } from '../types';
import type { VringVirtqueueOptions } from './types';
import { VringVirtqueue } from './vringVirtqueue';

export const MEM_SIZE = 0x10000;
export const DESC_AT = 0x1000;
export const AVAIL_AT = 0x2000;
export const USED_AT = 0x3000;

export function ringAddrs(size: number): SplitRingAddrs {
  return { size, desc: DESC_AT, avail: AVAIL_AT, used: USED_AT };
}

/** A chain as the device sees it. */
export interface PoppedChain {
  head: number;
  /** The ring descriptor at `head`: the chain's first, or the one pointing at an indirect table. */
  headDesc: VringDesc;
  descs: VringDesc[];
}

export class FakeDevice {
  last_avail_idx: number;
  used_idx: number;

  constructor(
    readonly ring: SplitRing,
    startIdx = 0,
  ) {
    this.last_avail_idx = startIdx & 0xffff;
    this.used_idx = startIdx & 0xffff;
  }

  pending(): number {
    return u16Sub(this.ring.availIdx(), this.last_avail_idx);
  }

  pop(): PoppedChain | null {
    if (this.pending() === 0) return null;
    const size = this.ring.size;
    const head = this.ring.availRing(this.last_avail_idx & (size - 1));
    this.last_avail_idx = u16Add(this.last_avail_idx, 1);
    const headDesc = this.ring.readDesc(head);
    let table = this.ring.addrs.desc;
    let i = head;
    let max = size;
    if (headDesc.flags & VRING_DESC_F_INDIRECT) {
      table = Number(headDesc.addr);
      i = 0;
      max = headDesc.len / DESC_SIZE;
    }
    const descs: VringDesc[] = [];
    for (let n = 0; n < max; n++) {
      const d = this.ring.readDesc(i, table);
      descs.push(d);
      if (!(d.flags & VRING_DESC_F_NEXT)) break;
      i = d.next;
    }
    return { head, headDesc, descs };
  }

  /** virtqueue_push, QEMU order: element first, then used.idx. */
  push(id: number, len: number): void {
    this.ring.setUsedElem(this.used_idx & (this.ring.size - 1), { id, len });
    this.used_idx = u16Add(this.used_idx, 1);
    this.ring.setUsedIdx(this.used_idx);
  }

  /** Pops everything available and completes it in order, reporting `len` bytes written. */
  completeAll(len = 0): PoppedChain[] {
    const done: PoppedChain[] = [];
    for (let c = this.pop(); c !== null; c = this.pop()) done.push(c);
    for (const c of done) this.push(c.head, len);
    return done;
  }
}

/** Records enter/leave/barrier in order, and lets a test act at a chosen barrier. */
export class RecordingTracer implements Tracer {
  readonly events: string[] = [];
  onBarrier: ((kind: BarrierKind, stack: readonly string[]) => void) | null = null;
  private readonly stack: string[] = [];

  enter(fn: string): void {
    this.events.push(`enter ${fn}`);
    this.stack.push(fn);
  }
  leave(fn: string): void {
    this.events.push(`leave ${fn}`);
    this.stack.pop();
  }
  barrier(kind: BarrierKind): void {
    this.events.push(`barrier ${kind}`);
    this.onBarrier?.(kind, this.stack);
  }
  clear(): void {
    this.events.length = 0;
  }
  /** Function names entered, in order. */
  entered(): string[] {
    return this.events.filter((e) => e.startsWith('enter ')).map((e) => e.slice(6));
  }
  barriers(): string[] {
    return this.events.filter((e) => e.startsWith('barrier ')).map((e) => e.slice(8));
  }
  /**
   * Where the recorded frames do not nest: a leave that is not of the innermost frame, or a frame never left. The
   * hot paths pair enter and leave without try/finally, so every early return must leave what it entered.
   */
  unbalanced(): string[] {
    const open: string[] = [];
    const problems: string[] = [];
    for (const e of this.events) {
      if (e.startsWith('enter ')) open.push(e.slice(6));
      else if (e.startsWith('leave ')) {
        const top = open.pop();
        if (top !== e.slice(6)) problems.push(`${e} while in ${top ?? 'nothing'}`);
      }
    }
    return [...problems, ...open.map((fn) => `never left ${fn}`)];
  }
}

export interface Rig {
  mem: GuestMemory;
  map: AllocationMap;
  ring: SplitRing;
  vq: VringVirtqueue<string>;
  dev: FakeDevice;
  notifies: number[];
  tracer: RecordingTracer;
}

export function makeRig(
  opts: {
    size?: number;
    features?: FeatureSet;
    startIdx?: number;
    withAllocator?: boolean;
    notifyResult?: boolean;
  } & Partial<Pick<VringVirtqueueOptions, 'callback' | 'allocator' | 'weakBarriers' | 'tokenOwner'>> = {},
): Rig {
  const size = opts.size ?? 8;
  const mem = GuestMemory.create(MEM_SIZE, false);
  const map = new AllocationMap(MEM_SIZE);
  const addrs = ringAddrs(size);
  map.reserve(addrs.desc, descTableBytes(size), 'desc-table', 'vq0 descriptor table', { queue: 0 });
  map.reserve(addrs.avail, availRingBytes(size), 'avail-ring', 'vq0 avail ring', { queue: 0 });
  map.reserve(addrs.used, usedRingBytes(size), 'used-ring', 'vq0 used ring', { queue: 0 });
  const notifies: number[] = [];
  const tracer = new RecordingTracer();
  const vq = new VringVirtqueue<string>({
    mem,
    addrs,
    features: opts.features ?? 0n,
    queueIndex: 0,
    allocator: opts.allocator ?? (opts.withAllocator === false ? undefined : map),
    notify: (q) => {
      notifies.push(q);
      return opts.notifyResult ?? true;
    },
    tracer,
    startIdx: opts.startIdx,
    weakBarriers: opts.weakBarriers,
    callback: opts.callback,
    tokenOwner: opts.tokenOwner,
  });
  const ring = new SplitRing(mem, addrs);
  tracer.clear();
  return { mem, map, ring, vq, dev: new FakeDevice(ring, opts.startIdx ?? 0), notifies, tracer };
}

/** The 16 bytes a `struct virtq_desc` should hold, little-endian. */
export function descBytes(addr: number, len: number, flags: number, next: number): Uint8Array {
  const b = new Uint8Array(DESC_SIZE);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(addr), true);
  v.setUint32(8, len, true);
  v.setUint16(12, flags, true);
  v.setUint16(14, next, true);
  return b;
}

/** `n` sg entries of `len` bytes from `base`, 0x100 apart. */
export function sgs(n: number, base = 0x8000, len = 512): { addr: number; len: number }[] {
  return Array.from({ length: n }, (_, k) => ({ addr: base + k * 0x100, len }));
}
