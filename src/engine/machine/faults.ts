import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../virtio/constants';
import { u16Add, u16Sub } from '../../virtio/types';
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

  constructor(
    private readonly faults: readonly Fault[],
    private readonly m: Machine,
    /** Where steps are being recorded, so the faults that act inside the driver's code can name themselves. */
    private readonly capture: OperationCapture | null = null,
  ) {
    this.fired = faults.map(() => false);
    this.installDriverBugs();
    this.installLoopedChain();
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
      if (!driver.isStopped(q) || driver.inFlight(q) > 0 || vq.state.num_free === vq.state.num) return;
      this.capture?.note(
        { type: 'fault', fault: 'leaked-descriptor', queue: q },
        message('fault.ringExhausted', { q, free: vq.state.num_free, size: vq.state.num }),
        'virtio_queue_rq',
      );
    });
  }

  /** Makes an injected fault's stores, each step naming the fault (only stores that change memory are named). */
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

  /** After a guest operation: corrupt the chains or indices of requests that just entered the ring. */
  afterGuestOperation(): void {
    this.noteExhaustedRings();
    this.faults.forEach((f, i) => {
      if (this.fired[i]) return;
      const req = this.inRing(f.atRequest);
      if (!req) return;
      const ring = this.m.driver.vqs[req.queue]!.ring;
      const head = req.head;
      switch (f.kind) {
        case 'zero-length-desc': {
          const { table, first } = this.chainOf(req.queue, head);
          this.named(message('fault.zeroLength'), () => ring.writeDescLen(first, 0, table));
          break;
        }
        case 'write-before-read': {
          const { table, first } = this.chainOf(req.queue, head);
          this.named(message('fault.writableHeader'), () =>
            ring.writeDescFlags(first, ring.readDesc(first, table).flags | VRING_DESC_F_WRITE, table),
          );
          break;
        }
        case 'index-jump': {
          const by = f.by ?? ring.size + 1;
          this.named(message('fault.indexJump', { by }), () => ring.setAvailIdx(u16Add(ring.availIdx(), by)));
          break;
        }
        case 'head-out-of-range': {
          const slot = this.availSlotOf(req.queue, head);
          if (slot === null) return;
          const bad = ring.size + 3;
          this.named(message('fault.headOutOfRange', { head: bad, size: ring.size }), () =>
            ring.setAvailRing(slot, bad),
          );
          break;
        }
        default:
          // Faults that act inside the driver's code (looped-chain, avail-idx-no-wrap, leaked-descriptor), on the
          // wire, on the device side, or on the order of the steps.
          return;
      }
      this.fired[i] = true;
    });
  }

  /** After a device operation: a device that reports a wrong used.len for the chosen request. */
  afterDeviceOperation(): void {
    this.faults.forEach((f, i) => {
      if (this.fired[i] || f.kind !== 'bad-used-len') return;
      const req = this.inRing(f.atRequest);
      if (!req) return;
      const vq = this.m.driver.vqs[req.queue]!;
      const ring = vq.ring;
      const published = u16Sub(ring.usedIdx(), vq.state.last_used_idx);
      for (let k = 0; k < published; k++) {
        const slot = u16Add(vq.state.last_used_idx, k) & (ring.size - 1);
        const elem = ring.usedElem(slot);
        if (elem.id !== req.head) continue;
        // A length the request's buffers cannot have held: Linux's virtio_blk ignores it, other drivers trust it.
        const len = elem.len + 0x10000;
        const writable = (this.m.driver.requests.get(f.atRequest)?.in_ ?? []).reduce((n, sg) => n + sg.len, 0);
        this.named(message('fault.badUsedLen', { len, request: f.atRequest, writable }), () =>
          ring.setUsedElemLen(slot, len),
        );
        this.fired[i] = true;
        return;
      }
    });
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

  /** The chain's table (ring or indirect), its first and last entry. */
  private chainOf(q: number, head: number): { table: number; first: number; last: number } {
    const ring = this.m.driver.vqs[q]!.ring;
    const h = ring.readDesc(head);
    if (h.flags & VRING_DESC_F_INDIRECT) {
      const table = Number(h.addr);
      return { table, first: 0, last: Math.max(0, h.len / 16 - 1) };
    }
    let last = head;
    for (let n = 0; n < ring.size; n++) {
      const d = ring.readDesc(last);
      if (!(d.flags & VRING_DESC_F_NEXT)) break;
      last = d.next;
    }
    return { table: ring.addrs.desc, first: head, last };
  }

  private availSlotOf(q: number, head: number): number | null {
    const vq = this.m.driver.vqs[q]!;
    for (let k = 1; k <= vq.ring.size; k++) {
      const slot = u16Sub(vq.state.avail_idx_shadow, k) & (vq.ring.size - 1);
      if (vq.ring.availRing(slot) === head) return slot;
    }
    return null;
  }
}

/** The request id a driver token (a VirtblkReq) carries; -1 for anything else. */
function requestIdOf(token: unknown): number {
  const id = (token as Partial<VirtblkReq> | null)?.id;
  return typeof id === 'number' ? id : -1;
}
