import { VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../virtio/constants';
import { u16Add } from '../../virtio/types';
import type { VirtblkReq } from '../../devices/blk/driverTypes';
import { message, type StepMessage } from '../messages';
import type { Scenario } from '../scenario/schema';
import type { OperationCapture } from './capture';
import type { Machine } from './machine';

type Fault = Scenario['faults'][number];

/**
 * Makes the guest (or the wire) misbehave on purpose, at a chosen request, the way real virtio bugs did: chains
 * that loop, indices that jump, kicks and interrupts that are lost, a used.len that lies, a missing write barrier.
 * Each injected store is part of the operation in which it happens, so it is a step of its own with the fault
 * named. The missing barrier changes no store, only their order: the machine reorders that operation's steps.
 */
export class FaultInjector {
  private fired: boolean[];
  /** Device rings already wrapped for bad-used-len. */
  private readonly usedLenWrapped = new WeakSet<object>();

  constructor(
    private readonly faults: readonly Fault[],
    private readonly m: Machine,
    /** Where steps are being recorded, so the faults that act inside the driver's code can name themselves. */
    private readonly capture: OperationCapture | null = null,
  ) {
    this.fired = faults.map(() => false);
    this.installDriverBugs();
    this.installLoopedChain();
    this.installChainFaults();
  }

  /**
   * looped-chain: the driver builds the chosen request's chain wrong. Where virtqueue_add_split ends the chain
   * (the store that clears NEXT on the last descriptor), this driver leaves NEXT set and points `next` at that
   * descriptor itself, before the ring entry and avail.idx publish the chain. Every descriptor on the loop stays
   * device-writable, so the device meets the loop itself (QEMU: "Looped descriptor"), not an ordering error
   * first. Linux's private copy (desc_extra) still says the chain ends: only what the device reads is wrong.
   */
  private installLoopedChain(): void {
    if (!this.faults.some((f) => f.kind === 'looped-chain')) return;
    for (const vq of this.m.driver.vqs) {
      const ring = vq.ring;
      const end = ring.writeDescFlags.bind(ring);
      // Only this ring object, only in a run that asked for the fault: Linux's code itself is untouched.
      ring.writeDescFlags = (i: number, flags: number, table: number = ring.addrs.desc): void => {
        const k = flags & VRING_DESC_F_NEXT ? -1 : this.loopedChainAt(ring.readDesc(i, table).addr);
        if (k < 0) {
          end(i, flags, table);
          return;
        }
        this.fired[k] = true;
        this.named(message('fault.loopedChain', { desc: i }), () => ring.writeDescNext(i, i, table));
      };
    }
  }

  /** The looped-chain fault (its index) whose request ends its chain at the buffer `addr`; -1 when none. */
  private loopedChainAt(addr: bigint | number): number {
    return this.faults.findIndex((f, k) => {
      if (this.fired[k] || f.kind !== 'looped-chain') return false;
      const req = this.m.driver.requests.get(f.atRequest);
      const last = req?.in_.at(-1) ?? req?.out.at(-1);
      return last !== undefined && last.addr === Number(addr);
    });
  }

  /**
   * zero-length-desc, write-before-read, head-out-of-range and index-jump: the driver gets the chosen request's
   * chain or its publication wrong as virtqueue_add_split writes it (the first descriptor's len or flags, the ring
   * entry, avail.idx), so the bad value is the store the real code makes there, before the kick, not a rewrite
   * after it. Only this run's ring objects are wrapped, and only when such a fault is asked for.
   */
  private installChainFaults(): void {
    if (!this.faults.some((f) => CHAIN_FAULTS.has(f.kind))) return;
    for (const vq of this.m.driver.vqs) {
      const ring = vq.ring;
      // The request being added, and whether its first descriptor has been written yet (an indirect chain writes
      // its table first, then the ring's head descriptor that points at it).
      let adding: { fault: number[]; firstWritten: boolean } | null = null;
      const add = vq.virtqueue_add_sgs.bind(vq);
      vq.virtqueue_add_sgs = (out, in_, data) => {
        const id = requestIdOf(data);
        const fault = this.faults.flatMap((f, k) =>
          !this.fired[k] && CHAIN_FAULTS.has(f.kind) && f.atRequest === id ? [k] : [],
        );
        if (fault.length === 0) return add(out, in_, data);
        adding = { fault, firstWritten: false };
        try {
          return add(out, in_, data);
        } finally {
          adding = null;
        }
      };
      const pending = (kind: Fault['kind']): number =>
        adding?.fault.find((k) => this.faults[k]!.kind === kind && !this.fired[k]) ?? -1;

      const writeDescSplit = ring.writeDescSplit.bind(ring);
      ring.writeDescSplit = (i, table, flags, addr, len, next) => {
        const first = adding !== null && !adding.firstWritten;
        if (adding) adding.firstWritten = true;
        const zero = first ? pending('zero-length-desc') : -1;
        const writable = first ? pending('write-before-read') : -1;
        if (zero < 0 && writable < 0) {
          writeDescSplit(i, table, flags, addr, len, next);
          return;
        }
        // The same four stores in the same order, one of them wrong and named.
        if (writable >= 0) {
          this.fired[writable] = true;
          this.named(message('fault.writableHeader'), () => ring.writeDescFlags(i, flags | VRING_DESC_F_WRITE, table));
        } else ring.writeDescFlags(i, flags, table);
        ring.writeDescAddr(i, addr, table);
        if (zero >= 0) {
          this.fired[zero] = true;
          this.named(message('fault.zeroLength'), () => ring.writeDescLen(i, 0, table));
        } else ring.writeDescLen(i, len, table);
        if (next >= 0) ring.writeDescNext(i, next, table);
      };

      const setAvailRing = ring.setAvailRing.bind(ring);
      ring.setAvailRing = (slot, head) => {
        const k = pending('head-out-of-range');
        if (k < 0) {
          setAvailRing(slot, head);
          return;
        }
        this.fired[k] = true;
        const bad = ring.size + 3;
        this.named(message('fault.headOutOfRange', { head: bad, size: ring.size }), () => setAvailRing(slot, bad));
      };

      const setAvailIdx = ring.setAvailIdx.bind(ring);
      ring.setAvailIdx = (v) => {
        const k = pending('index-jump');
        if (k < 0) {
          setAvailIdx(v);
          return;
        }
        this.fired[k] = true;
        const by = this.faults[k]!.by ?? ring.size + 1;
        this.named(message('fault.indexJump', { by }), () => setAvailIdx(u16Add(v, by)));
      };
    }
  }

  /**
   * bad-used-len: the device writes a wrong len into the chosen request's used element, in virtqueue_fill's own
   * store (before used.idx publishes it). The device's queues are made at DRIVER_OK (and again after a reset), so
   * each is wrapped the first time a device operation runs with it.
   */
  beforeDeviceOperation(): void {
    if (!this.faults.some((f, k) => f.kind === 'bad-used-len' && !this.fired[k])) return;
    this.m.driver.vqs.forEach((_, q) => {
      const ring = this.m.device.vdev.queue(q)?.ring;
      if (!ring || this.usedLenWrapped.has(ring)) return;
      this.usedLenWrapped.add(ring);
      const writeUsedElem = ring.writeUsedElem.bind(ring);
      ring.writeUsedElem = (slot, id, len) => {
        const k = this.faults.findIndex((f, n) => {
          if (this.fired[n] || f.kind !== 'bad-used-len') return false;
          const req = this.inRing(f.atRequest);
          return req !== null && req.queue === q && req.head === id;
        });
        if (k < 0) {
          writeUsedElem(slot, id, len);
          return;
        }
        this.fired[k] = true;
        // A length the request's buffers cannot have held: Linux's virtio_blk ignores it, other drivers trust it.
        const bad = len + 0x10000;
        const request = this.faults[k]!.atRequest;
        const writable = (this.m.driver.requests.get(request)?.in_ ?? []).reduce((n, sg) => n + sg.len, 0);
        // virtqueue_fill's two stores, id then len, the len wrong and named.
        ring.setUsedElemId(slot, id);
        this.named(message('fault.badUsedLen', { len: bad, request, writable }), () => ring.setUsedElemLen(slot, bad));
      };
    });
  }

  /**
   * Faults that are bugs in the driver's own code act inside it, through the virtqueue's fault hooks: the value
   * it stores in avail.idx, and whether detach_buf_split gives a chain back. Set only when such a fault is asked
   * for, so every other run goes through Linux's code untouched.
   */
  private installDriverBugs(): void {
    const noWrap = this.faults.some((f) => f.kind === 'avail-idx-no-wrap');
    const leak = this.faults.some((f) => f.kind === 'leaked-descriptor');
    if (!noWrap && !leak) return;
    this.m.driver.vqs.forEach((vq, q) => {
      vq.faultHooks = {
        ...(noWrap
          ? { publishAvailIdx: (shadow: number, token: unknown) => this.publishAvailIdx(q, shadow, token) }
          : {}),
        ...(leak ? { leakChain: (head: number, token: unknown) => this.leakChain(q, head, token) } : {}),
      };
    });
  }

  /**
   * avail-idx-no-wrap: once the chosen request (or a later one) is added, the driver keeps publishing its index
   * reduced modulo the queue size, as a driver that computes `idx = (idx + 1) % num` does. Harmless until the
   * value wraps at the queue size: then avail.idx goes backwards, and QEMU's check that no more than the queue
   * size of entries are pending (virtqueue_num_heads) fails: "Guest moved used index from ... to ...".
   */
  private publishAvailIdx(q: number, shadow: number, token: unknown): number {
    const i = this.faults.findIndex(
      (f, k) => f.kind === 'avail-idx-no-wrap' && (this.fired[k] || requestIdOf(token) >= f.atRequest),
    );
    if (i < 0) return shadow;
    this.fired[i] = true;
    const size = this.m.driver.vqs[q]!.state.num;
    const value = shadow & (size - 1);
    if (value !== shadow) this.capture?.tagNextWrite(message('fault.availIdxNoWrap', { value, shadow, size }));
    return value;
  }

  /**
   * leaked-descriptor: when the chosen request finishes, detach_buf_split drops its chain instead of putting it
   * back on the free list (as drivers' rarely run paths have done), so num_free never gets those descriptors back.
   * Several such faults shrink the ring step by step, until a request gets -ENOSPC with nothing in flight: no
   * completion will ever restart the queue (see noteExhaustedRings).
   */
  private leakChain(q: number, head: number, token: unknown): boolean {
    const id = requestIdOf(token);
    const i = this.faults.findIndex((f, k) => f.kind === 'leaked-descriptor' && !this.fired[k] && id === f.atRequest);
    if (i < 0) return false;
    this.fired[i] = true;
    const vq = this.m.driver.vqs[q]!;
    let descs = 1;
    if (vq.desc_state[head]!.indir_desc === null) {
      for (let d = head; vq.desc_extra.flags[d]! & VRING_DESC_F_NEXT && descs < vq.state.num; descs++) {
        d = vq.desc_extra.next[d]!;
      }
    }
    this.capture?.note(
      { type: 'fault', fault: 'leaked-descriptor', queue: q, request: id },
      message('fault.leakedDescriptor', { request: id, head, descs, free: vq.state.num_free }),
      'detach_buf_split',
    );
    return true;
  }

  /** A queue a leak has left stopped with nothing in flight is stuck for good: say so, as a step. */
  private noteExhaustedRings(): void {
    if (!this.faults.some((f) => f.kind === 'leaked-descriptor')) return;
    const driver = this.m.driver;
    driver.vqs.forEach((vq, q) => {
      // Not while virtblk_done is part way through: the chains it has yet to take back may still restart the queue.
      if (driver.inDone(q)) return;
      if (!driver.isStopped(q) || driver.inFlight(q) > 0 || vq.state.num_free === vq.state.num) return;
      this.capture?.note(
        { type: 'fault', fault: 'leaked-descriptor', queue: q },
        message('fault.ringExhausted', { q, free: vq.state.num_free, size: vq.state.num }),
        'virtio_queue_rq',
      );
    });
  }

  /** Makes an injected fault's store, its step naming the fault. */
  private named(fault: StepMessage, stores: () => void): void {
    if (this.capture) this.capture.tagged(fault, stores);
    else stores();
  }

  saveState(): boolean[] {
    return [...this.fired];
  }

  loadState(fired: boolean[]): void {
    this.fired = [...fired];
  }

  /** After a guest operation: a queue a leak has stopped for good says so. */
  afterGuestOperation(): void {
    this.noteExhaustedRings();
  }

  /**
   * After a guest operation run in step mode: the missing-barrier fault whose request is now in the ring (its
   * request, queue and head), fired. The operation just run is normally the one that added it; in a free-run
   * nothing is reordered (as on x86), so a request added there passes unharmed.
   */
  missingBarrierDue(): { request: number; queue: number; head: number } | null {
    const i = this.faults.findIndex(
      (f, k) => !this.fired[k] && f.kind === 'missing-barrier' && this.inRing(f.atRequest),
    );
    if (i < 0) return null;
    this.fired[i] = true;
    const request = this.faults[i]!.atRequest;
    return { request, ...this.inRing(request)! };
  }

  /** True once for the first kick on the chosen request's queue after it entered the ring. */
  dropKick(q: number): boolean {
    return this.fireWire('skip-kick', q);
  }

  /** True once for the first interrupt on the chosen request's queue after it entered the ring. */
  dropInterrupt(q: number): boolean {
    return this.fireWire('lost-interrupt', q);
  }

  private fireWire(kind: Fault['kind'], q: number): boolean {
    const i = this.faults.findIndex((f, k) => !this.fired[k] && f.kind === kind && this.hasEntered(f.atRequest, q));
    if (i < 0) return false;
    this.fired[i] = true;
    return true;
  }

  private hasEntered(id: number, q: number): boolean {
    const req = this.m.driver.requests.get(id);
    // A finished request stays in the map until its completion step is played: it no longer counts.
    return req !== undefined && req.state === 'in-flight' && req.queue === q && req.head !== null;
  }

  private inRing(id: number): { queue: number; head: number } | null {
    const req = this.m.driver.requests.get(id);
    if (!req || req.state !== 'in-flight' || req.head === null) return null;
    return { queue: req.queue, head: req.head };
  }
}

/** Faults in how the driver writes or publishes a chain (see installChainFaults). */
const CHAIN_FAULTS: ReadonlySet<Fault['kind']> = new Set<Fault['kind']>([
  'zero-length-desc',
  'write-before-read',
  'head-out-of-range',
  'index-jump',
]);

/** The request id a driver token (a VirtblkReq) carries; -1 for anything else. */
function requestIdOf(token: unknown): number {
  const id = (token as Partial<VirtblkReq> | null)?.id;
  return typeof id === 'number' ? id : -1;
}
