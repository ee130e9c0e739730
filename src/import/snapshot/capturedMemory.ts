import { GuestMemory } from '../../virtio/guestMemory';
import { SplitRing } from '../../virtio/splitRing';
import type { SnapshotArea } from './types';

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * The three captured areas as one small GuestMemory: a VM's rings sit at large guest-physical addresses (and the
 * parts need not be near each other), so each area is placed at its own offset in a compact buffer and the
 * SplitRing is given those offsets. Reading then goes through exactly the layout code the simulated device uses;
 * `gpa`/`contains` translate to and from the guest-physical addresses the status reported.
 */
export class CapturedMemory {
  readonly mem: GuestMemory;
  readonly ring: SplitRing;
  private readonly places: { area: SnapshotArea; gpa: number; local: number; len: number }[];

  constructor(size: number, areas: Record<SnapshotArea, { gpa: number; bytes: Uint8Array }>) {
    const descAt = 0;
    const availAt = alignUp(descAt + areas.desc.bytes.length, 16);
    const usedAt = alignUp(availAt + areas.avail.bytes.length, 16);
    const total = Math.max(16, usedAt + areas.used.bytes.length);
    this.mem = new GuestMemory(new ArrayBuffer(total));
    this.places = [
      { area: 'desc', gpa: areas.desc.gpa, local: descAt, len: areas.desc.bytes.length },
      { area: 'avail', gpa: areas.avail.gpa, local: availAt, len: areas.avail.bytes.length },
      { area: 'used', gpa: areas.used.gpa, local: usedAt, len: areas.used.bytes.length },
    ];
    for (const p of this.places) this.mem.writeBytes(p.local, areas[p.area].bytes);
    this.ring = new SplitRing(this.mem, { size, desc: descAt, avail: availAt, used: usedAt });
  }

  /** True when guest-physical [addr, addr+len) lies wholly inside one captured area. */
  contains(addr: bigint, len: number): boolean {
    return this.places.some((p) => addr >= BigInt(p.gpa) && addr + BigInt(len) <= BigInt(p.gpa + p.len));
  }
}
