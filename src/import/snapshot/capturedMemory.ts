import { GuestMemory } from '../../virtio/guestMemory';
import { SplitRing } from '../../virtio/splitRing';
import type { SnapshotArea } from './types';

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * The three captured areas as one small GuestMemory: a VM's rings sit at large guest-physical addresses (and the
 * parts need not be near each other), so each area is placed at its own offset in a compact buffer and the
 * SplitRing is given those offsets; further dumps (indirect tables, say) follow them. Reading then goes through
 * exactly the layout code the simulated device uses; `localOf` translates the guest-physical addresses the status
 * and the descriptors give.
 */
export class CapturedMemory {
  readonly mem: GuestMemory;
  readonly ring: SplitRing;
  private readonly places: { gpa: number; local: number; len: number }[];

  /** `dumps`: further captured guest memory (e.g. indirect tables), placed after the three areas. */
  constructor(
    size: number,
    areas: Record<SnapshotArea, { gpa: number; bytes: Uint8Array }>,
    dumps: readonly { gpa: number; bytes: Uint8Array }[] = [],
  ) {
    const descAt = 0;
    const availAt = alignUp(descAt + areas.desc.bytes.length, 16);
    const usedAt = alignUp(availAt + areas.avail.bytes.length, 16);
    const parts = [
      { gpa: areas.desc.gpa, bytes: areas.desc.bytes, local: descAt },
      { gpa: areas.avail.gpa, bytes: areas.avail.bytes, local: availAt },
      { gpa: areas.used.gpa, bytes: areas.used.bytes, local: usedAt },
    ];
    let end = usedAt + areas.used.bytes.length;
    for (const d of dumps) {
      const local = alignUp(end, 16);
      parts.push({ gpa: d.gpa, bytes: d.bytes, local });
      end = local + d.bytes.length;
    }
    this.mem = new GuestMemory(new ArrayBuffer(Math.max(16, end)));
    this.places = parts.map((p) => ({ gpa: p.gpa, local: p.local, len: p.bytes.length }));
    for (const p of parts) this.mem.writeBytes(p.local, p.bytes);
    this.ring = new SplitRing(this.mem, { size, desc: descAt, avail: availAt, used: usedAt });
  }

  /**
   * Where guest-physical [addr, addr+len) sits in `mem`, when one captured area or dump holds all of it; else null
   * (the bytes were not captured, and nothing is read in their place).
   */
  localOf(addr: bigint, len: number): number | null {
    const p = this.places.find((q) => addr >= BigInt(q.gpa) && addr + BigInt(len) <= BigInt(q.gpa + q.len));
    return p ? p.local + Number(addr - BigInt(p.gpa)) : null;
  }
}
