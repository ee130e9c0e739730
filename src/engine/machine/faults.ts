import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../virtio/constants';
import { u16Add, u16Sub } from '../../virtio/types';
import type { Scenario } from '../scenario/schema';
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
  ) {
    this.fired = faults.map(() => false);
  }

  saveState(): boolean[] {
    return [...this.fired];
  }

  loadState(fired: boolean[]): void {
    this.fired = [...fired];
  }

  /** After a guest operation: corrupt the chains or indices of requests that just entered the ring. */
  afterGuestOperation(): void {
    this.faults.forEach((f, i) => {
      if (this.fired[i]) return;
      const req = this.inRing(f.atRequest);
      if (!req) return;
      const ring = this.m.driver.vqs[req.queue]!.ring;
      const head = req.head;
      switch (f.kind) {
        case 'looped-chain': {
          // The last descriptor points at itself: every descriptor on the loop stays device-writable, so the
          // device meets the loop itself (QEMU: "Looped descriptor"), not an ordering error first.
          const { table, last } = this.chainOf(req.queue, head);
          ring.writeDescFlags(last, ring.readDesc(last, table).flags | VRING_DESC_F_NEXT, table);
          ring.writeDescNext(last, last, table);
          break;
        }
        case 'zero-length-desc': {
          const { table, first } = this.chainOf(req.queue, head);
          ring.writeDescLen(first, 0, table);
          break;
        }
        case 'write-before-read': {
          const { table, first } = this.chainOf(req.queue, head);
          ring.writeDescFlags(first, ring.readDesc(first, table).flags | VRING_DESC_F_WRITE, table);
          break;
        }
        case 'index-jump':
          ring.setAvailIdx(u16Add(ring.availIdx(), f.by ?? ring.size + 1));
          break;
        case 'head-out-of-range': {
          const slot = this.availSlotOf(req.queue, head);
          if (slot === null) return;
          ring.setAvailRing(slot, ring.size + 3);
          break;
        }
        default:
          return; // faults that act on the wire, on the device side, or on the order of the steps
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
        ring.setUsedElem(slot, { id: elem.id, len: elem.len + 0x10000 });
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
