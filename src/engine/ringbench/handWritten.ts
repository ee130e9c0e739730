// The benchmark's protocol hand-written on typed arrays over the same guest memory and layout, as the C program
// (bench/native/ring.c) writes it: no engine, no checks beyond the C program's, no objects per request. It is not
// what the benchmark measures: it shows how close JavaScript itself gets to native code on this machine, so the
// engine's ratio can be read against it. Where C uses a release store or a standalone fence, JavaScript has only
// Atomics (sequentially consistent, so each Atomics.store is also a full barrier); plain typed-array accesses are
// used where the C program uses plain ones, and for avail_event, which QEMU writes with a plain store.
import { VRING_AVAIL_F_NO_INTERRUPT, VRING_DESC_F_WRITE, VRING_USED_F_NO_NOTIFY } from '../../virtio/constants';
import {
  AVAIL_FLAGS,
  AVAIL_IDX,
  DESC_ADDR,
  DESC_FLAGS,
  DESC_LEN,
  DESC_NEXT,
  USED_FLAGS,
  USED_IDX,
  availEventOffset,
  availRingEntryOffset,
  usedElemOffset,
  usedEventOffset,
} from '../../virtio/layout';
import { DESC_SIZE } from '../../virtio/constants';
import { BENCH_BUF_LEN, benchLayout, type RingBenchStart } from './protocol';
import type { BenchDeviceRing, BenchDriverRing } from './sides';

/** The spec's vring_need_event, on 16-bit indices. */
const needEvent = (event: number, next: number, old: number): boolean =>
  ((next - event - 1) & 0xffff) < ((next - old) & 0xffff);

/** Halfword and word indices of every field the two sides touch (the layout puts each on its natural alignment). */
function fields(start: RingBenchStart) {
  const { addrs } = benchLayout(start.queueSize);
  const n = start.queueSize;
  return {
    n,
    u16: new Uint16Array(start.guest),
    u32: new Uint32Array(start.guest, 0, start.guest.byteLength >>> 2),
    desc: addrs.desc,
    availFlags: (addrs.avail + AVAIL_FLAGS) >>> 1,
    availIdx: (addrs.avail + AVAIL_IDX) >>> 1,
    availRing: (addrs.avail + availRingEntryOffset(0)) >>> 1,
    usedEvent: (addrs.avail + usedEventOffset(n)) >>> 1,
    usedFlags: (addrs.used + USED_FLAGS) >>> 1,
    usedIdx: (addrs.used + USED_IDX) >>> 1,
    usedRing: (addrs.used + usedElemOffset(0)) >>> 2,
    availEvent: (addrs.used + availEventOffset(n)) >>> 1,
  };
}

export function handWrittenDriver(start: RingBenchStart): BenchDriverRing {
  const f = fields(start);
  const { n, u16, u32 } = f;
  const mask = n - 1;
  const buffers = benchLayout(n).buffers;
  const next16 = (i: number) => (f.desc + DESC_SIZE * i + DESC_NEXT) >>> 1;
  // Linux's private state: the free list is threaded through the descriptors' next fields, as in the C program.
  let freeHead = 0;
  let numFree = n;
  let availIdxShadow = 0;
  let numAdded = 0;
  let lastUsedIdx = 0;
  // Linux's desc_state[head].data: which request each head carries, to check what comes back.
  const tokens = new Float64Array(n).fill(-1);
  for (let i = 0; i < n; i++) u16[next16(i)] = (i + 1) & 0xffff;
  return {
    numFree: () => numFree,
    fill(issued) {
      let added = 0;
      while (numFree > 0) {
        const head = freeHead;
        const at = f.desc + DESC_SIZE * head;
        freeHead = u16[(at + DESC_NEXT) >>> 1]!;
        numFree--;
        tokens[head] = issued + added;
        u32[(at + DESC_ADDR) >>> 2] = buffers + BENCH_BUF_LEN * head;
        u32[(at + DESC_ADDR + 4) >>> 2] = 0;
        u32[(at + DESC_LEN) >>> 2] = BENCH_BUF_LEN;
        u16[(at + DESC_FLAGS) >>> 1] = 0;
        u16[f.availRing + (availIdxShadow & mask)] = head;
        availIdxShadow = (availIdxShadow + 1) & 0xffff;
        numAdded++;
        added++;
        // The descriptor and ring entry before the index (C: a release store).
        Atomics.store(u16, f.availIdx, availIdxShadow);
      }
      return added;
    },
    kickPrepare() {
      // virtio_mb(): the Atomics.store of avail.idx just made was one.
      const old = (availIdxShadow - numAdded) & 0xffff;
      numAdded = 0;
      return start.eventIdx
        ? needEvent(Atomics.load(u16, f.availEvent), availIdxShadow, old)
        : (Atomics.load(u16, f.usedFlags) & VRING_USED_F_NO_NOTIFY) === 0;
    },
    reclaim(completed) {
      let got = 0;
      while (Atomics.load(u16, f.usedIdx) !== lastUsedIdx) {
        const id = u32[f.usedRing + 2 * (lastUsedIdx & mask)]!;
        const len = u32[f.usedRing + 2 * (lastUsedIdx & mask) + 1]!;
        if (id >= n) throw new Error(`used id ${id} out of range`);
        if (tokens[id] !== completed + got)
          throw new Error(`got request ${tokens[id]} back, expected ${completed + got}`);
        if (len !== 0) throw new Error(`used.len ${len} for id ${id}, expected 0`);
        tokens[id] = -1;
        u16[next16(id)] = freeHead;
        freeHead = id;
        numFree++;
        lastUsedIdx = (lastUsedIdx + 1) & 0xffff;
        got++;
        // virtio_store_mb(): store used_event, then a full barrier.
        Atomics.store(u16, f.usedEvent, lastUsedIdx);
      }
      return got;
    },
  };
}

export function handWrittenDevice(start: RingBenchStart): BenchDeviceRing {
  const f = fields(start);
  const { n, u16, u32 } = f;
  const mask = n - 1;
  const { buffers } = benchLayout(n);
  const bufEnd = buffers + n * BENCH_BUF_LEN;
  // QEMU's VirtQueue state.
  let lastAvailIdx = 0;
  let shadowAvailIdx = 0;
  let usedIdx = 0;
  let signalledUsed = 0;
  let signalledUsedValid = false;
  let interrupts = 0;
  return {
    interrupts: () => interrupts,
    serveOne() {
      if (shadowAvailIdx === lastAvailIdx) {
        shadowAvailIdx = Atomics.load(u16, f.availIdx);
        if (shadowAvailIdx === lastAvailIdx) return 0;
      }
      const head = u16[f.availRing + (lastAvailIdx & mask)]!;
      lastAvailIdx = (lastAvailIdx + 1) & 0xffff;
      if (start.eventIdx) u16[f.availEvent] = lastAvailIdx;
      if (head >= n) throw new Error(`Guest says index ${head} is available`);
      const at = f.desc + DESC_SIZE * head;
      const addr = u32[(at + DESC_ADDR) >>> 2]! + u32[(at + DESC_ADDR + 4) >>> 2]! * 2 ** 32;
      const len = u32[(at + DESC_LEN) >>> 2]!;
      const flags = u16[(at + DESC_FLAGS) >>> 1]!;
      if (len !== BENCH_BUF_LEN || flags & VRING_DESC_F_WRITE || addr < buffers || addr + len > bufEnd) {
        throw new Error(`descriptor ${head} is not a bench buffer`);
      }
      u32[f.usedRing + 2 * (usedIdx & mask)] = head;
      u32[f.usedRing + 2 * (usedIdx & mask) + 1] = 0;
      const old = usedIdx;
      usedIdx = (usedIdx + 1) & 0xffff;
      // The element before the index; as a full barrier it is also should_notify's smp_mb().
      Atomics.store(u16, f.usedIdx, usedIdx);
      if (((usedIdx - signalledUsed) << 16) >> 16 < ((usedIdx - old) & 0xffff)) signalledUsedValid = false;
      let notify: boolean;
      if (start.eventIdx) {
        const valid = signalledUsedValid;
        const was = signalledUsed;
        signalledUsedValid = true;
        signalledUsed = usedIdx;
        notify = !valid || needEvent(Atomics.load(u16, f.usedEvent), usedIdx, was);
      } else {
        notify = (Atomics.load(u16, f.availFlags) & VRING_AVAIL_F_NO_INTERRUPT) === 0;
      }
      if (notify) interrupts++;
      return 1;
    },
  };
}
