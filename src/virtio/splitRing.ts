import type { GuestMemory } from './guestMemory';
import {
  AVAIL_FLAGS,
  AVAIL_IDX,
  DESC_ADDR,
  DESC_FLAGS,
  DESC_LEN,
  DESC_NEXT,
  USED_ELEM_ID,
  USED_ELEM_LEN,
  USED_FLAGS,
  USED_IDX,
  availEventOffset,
  availRingEntryOffset,
  usedElemOffset,
  usedEventOffset,
  type SplitRingAddrs,
} from './layout';
import { AVAIL_ELEM_SIZE, DESC_SIZE, USED_ELEM_SIZE } from './constants';

/** One decoded `struct virtq_desc`. `addr` stays a bigint: a guest may write any 64-bit value there. */
export interface VringDesc {
  addr: bigint;
  len: number;
  flags: number;
  next: number;
}

/**
 * A descriptor as the device's chain walk reads it: `addr` is a number whenever it is below 2^53 (every address that
 * can lie inside guest memory is), and a bigint only beyond that, so popping a chain makes no bigints.
 */
export interface WalkDescFields {
  addr: number | bigint;
  len: number;
  flags: number;
  next: number;
}

const TWO_POW_32 = 2 ** 32;
/** The high word of a 64-bit address below 2^53. */
const SAFE_HIGH_WORD = 2 ** 21;

export interface VringUsedElem {
  id: number;
  len: number;
}

/**
 * The one piece of code that knows where each split-ring field lives. The driver, the device and the UI all
 * read and write the ring through it, so what is drawn is what the device sees.
 * Index and flags fields go through GuestMemory's atomic 16-bit accessors.
 */
export class SplitRing {
  // Guest addresses of the fixed fields and of the two rings' entry 0, worked out once: the hot paths run once or
  // more per request, and each saves its offset arithmetic.
  private readonly availFlagsAt: number;
  private readonly availIdxAt: number;
  private readonly availRingAt: number;
  private readonly usedEventAt: number;
  private readonly usedFlagsAt: number;
  private readonly usedIdxAt: number;
  private readonly usedRingAt: number;
  private readonly availEventAt: number;

  constructor(
    readonly mem: GuestMemory,
    readonly addrs: SplitRingAddrs,
  ) {
    const { avail, used, size } = addrs;
    this.availFlagsAt = avail + AVAIL_FLAGS;
    this.availIdxAt = avail + AVAIL_IDX;
    this.availRingAt = avail + availRingEntryOffset(0);
    this.usedEventAt = avail + usedEventOffset(size);
    this.usedFlagsAt = used + USED_FLAGS;
    this.usedIdxAt = used + USED_IDX;
    this.usedRingAt = used + usedElemOffset(0);
    this.availEventAt = used + availEventOffset(size);
  }

  get size(): number {
    return this.addrs.size;
  }

  /** Guest address of descriptor `i` in a table at `table` (the ring's own, or an indirect table). */
  descAddr(i: number, table = this.addrs.desc): number {
    return table + DESC_SIZE * i;
  }

  readDesc(i: number, table = this.addrs.desc): VringDesc {
    const at = this.descAddr(i, table);
    this.mem.check(at, DESC_SIZE, 'read');
    return {
      addr: this.mem.read64(at + DESC_ADDR),
      len: this.mem.read32(at + DESC_LEN),
      flags: this.mem.read16(at + DESC_FLAGS),
      next: this.mem.read16(at + DESC_NEXT),
    };
  }

  /** readDesc into a record the caller reuses, with the address as a number where it fits (see WalkDescFields). */
  readDescInto(i: number, table: number, into: WalkDescFields): void {
    const at = this.descAddr(i, table);
    const mem = this.mem;
    mem.checkFixed(at, DESC_SIZE, 'read');
    const lo = mem.read32(at + DESC_ADDR);
    const hi = mem.read32(at + DESC_ADDR + 4);
    into.addr = hi < SAFE_HIGH_WORD ? hi * TWO_POW_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
    into.len = mem.read32(at + DESC_LEN);
    into.flags = mem.read16(at + DESC_FLAGS);
    into.next = mem.read16(at + DESC_NEXT);
  }

  writeDescFlags(i: number, flags: number, table = this.addrs.desc): void {
    this.mem.write16(this.descAddr(i, table) + DESC_FLAGS, flags);
  }
  writeDescAddr(i: number, addr: bigint | number, table = this.addrs.desc): void {
    const at = this.descAddr(i, table) + DESC_ADDR;
    // The driver's addresses are numbers: storing them without a bigint keeps the add path allocation-free.
    if (typeof addr === 'number') this.mem.write64Number(at, addr);
    else this.mem.write64(at, addr);
  }
  writeDescLen(i: number, len: number, table = this.addrs.desc): void {
    this.mem.write32(this.descAddr(i, table) + DESC_LEN, len);
  }
  writeDescNext(i: number, next: number, table = this.addrs.desc): void {
    this.mem.write16(this.descAddr(i, table) + DESC_NEXT, next);
  }
  /**
   * One descriptor as Linux's virtqueue_add_desc_split() stores it: flags, addr, len, then `next` unless it is
   * negative (inside an indirect table, whose links were written when it was allocated). Four stores, as the
   * single-field writers make them, from one address computation: the driver's add runs this once per buffer.
   */
  writeDescSplit(i: number, table: number, flags: number, addr: number, len: number, next: number): void {
    const at = table + DESC_SIZE * i;
    const mem = this.mem;
    mem.write16(at + DESC_FLAGS, flags);
    mem.write64Number(at + DESC_ADDR, addr);
    mem.write32(at + DESC_LEN, len);
    if (next >= 0) mem.write16(at + DESC_NEXT, next);
  }
  writeDesc(i: number, d: VringDesc, table = this.addrs.desc): void {
    this.writeDescAddr(i, d.addr, table);
    this.writeDescLen(i, d.len, table);
    this.writeDescFlags(i, d.flags, table);
    this.writeDescNext(i, d.next, table);
  }

  // Available ring (driver area)
  availFlags(): number {
    return this.mem.load16(this.availFlagsAt);
  }
  setAvailFlags(v: number): void {
    this.mem.store16(this.availFlagsAt, v);
  }
  availIdx(): number {
    return this.mem.load16(this.availIdxAt);
  }
  setAvailIdx(v: number): void {
    this.mem.store16(this.availIdxAt, v);
  }
  /** `avail.ring[slot]`; callers reduce the free-running index with `& (size - 1)`. */
  availRing(slot: number): number {
    return this.mem.read16(this.availRingAt + AVAIL_ELEM_SIZE * slot);
  }
  setAvailRing(slot: number, head: number): void {
    this.mem.write16(this.availRingAt + AVAIL_ELEM_SIZE * slot, head);
  }
  /** `used_event`, the driver's request to the device, at the end of the avail ring (EVENT_IDX only). */
  usedEvent(): number {
    return this.mem.load16(this.usedEventAt);
  }
  setUsedEvent(v: number): void {
    this.mem.store16(this.usedEventAt, v);
  }

  // Used ring (device area)
  usedFlags(): number {
    return this.mem.load16(this.usedFlagsAt);
  }
  setUsedFlags(v: number): void {
    this.mem.store16(this.usedFlagsAt, v);
  }
  usedIdx(): number {
    return this.mem.load16(this.usedIdxAt);
  }
  setUsedIdx(v: number): void {
    this.mem.store16(this.usedIdxAt, v);
  }
  usedElem(slot: number): VringUsedElem {
    return { id: this.usedElemId(slot), len: this.usedElemLen(slot) };
  }
  // The two fields one at a time, for the hot paths (no object per element).
  usedElemId(slot: number): number {
    return this.mem.read32(this.usedRingAt + USED_ELEM_SIZE * slot + USED_ELEM_ID);
  }
  usedElemLen(slot: number): number {
    return this.mem.read32(this.usedRingAt + USED_ELEM_SIZE * slot + USED_ELEM_LEN);
  }
  setUsedElem(slot: number, elem: VringUsedElem): void {
    this.writeUsedElem(slot, elem.id, elem.len);
  }
  /** setUsedElem without the object: `id` first, then `len`. */
  writeUsedElem(slot: number, id: number, len: number): void {
    const at = this.usedRingAt + USED_ELEM_SIZE * slot;
    this.mem.write32(at + USED_ELEM_ID, id);
    this.mem.write32(at + USED_ELEM_LEN, len);
  }
  /** Only the id of a used element. */
  setUsedElemId(slot: number, id: number): void {
    this.mem.write32(this.usedRingAt + USED_ELEM_SIZE * slot + USED_ELEM_ID, id);
  }
  /** Only the length of a used element (a device that lies about used.len changes nothing else). */
  setUsedElemLen(slot: number, len: number): void {
    this.mem.write32(this.usedRingAt + USED_ELEM_SIZE * slot + USED_ELEM_LEN, len);
  }
  /** `avail_event`, the device's request to the driver, at the end of the used ring (EVENT_IDX only). */
  availEvent(): number {
    return this.mem.load16(this.availEventAt);
  }
  /** `ordered: false` for a plain store without a barrier (see GuestMemory.store16). */
  setAvailEvent(v: number, ordered = true): void {
    this.mem.store16(this.availEventAt, v, ordered);
  }
}
