import { GuestMemoryError } from './errors';
import type { GuestAddr } from './types';

/** One store into guest memory, as the engine records it for a step (address, bytes before, bytes after). */
export interface MemoryWrite {
  addr: GuestAddr;
  old: Uint8Array;
  new: Uint8Array;
}
export type WriteObserver = (write: MemoryWrite) => void;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const swap16 = (v: number) => ((v & 0xff) << 8) | ((v >> 8) & 0xff);
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_POW_32 = 2 ** 32;

/**
 * The guest's physical memory: a bounds-checked little-endian view of one (Shared)ArrayBuffer.
 * Every accessor checks the range first and throws a GuestMemoryError (never a RangeError from a typed array).
 * The 16-bit ring index and flag fields go through Atomics, because the other side reads them concurrently.
 */
export class GuestMemory {
  readonly size: number;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly halfwords: Uint16Array;
  /** Set by the engine to record each store for its step; null costs nothing. */
  observer: WriteObserver | null = null;
  /** Set by the engine to see bulk reads (a buffer's bytes, not ring fields): a segment being read is a step too. */
  readObserver: ((addr: GuestAddr, len: number) => void) | null = null;

  constructor(readonly buffer: SharedArrayBuffer | ArrayBuffer) {
    this.size = buffer.byteLength;
    this.view = new DataView(buffer);
    this.bytes = new Uint8Array(buffer);
    this.halfwords = new Uint16Array(buffer, 0, Math.floor(buffer.byteLength / 2));
  }

  static create(size: number, shared = typeof SharedArrayBuffer !== 'undefined'): GuestMemory {
    if (!Number.isInteger(size) || size <= 0)
      throw new RangeError(`guest memory size must be a positive integer, got ${size}`);
    return new GuestMemory(shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
  }

  /** True when [addr, addr+len) lies inside guest memory. Accepts bigint for raw descriptor addresses. */
  contains(addr: number | bigint, len: number): boolean {
    if (typeof addr === 'bigint') {
      if (addr < 0n || addr > MAX_SAFE_BIGINT) return false;
      addr = Number(addr);
    }
    return Number.isInteger(addr) && Number.isInteger(len) && addr >= 0 && len >= 0 && addr + len <= this.size;
  }

  check(addr: number | bigint, len: number, access: 'read' | 'write'): void {
    if (!this.contains(addr, len)) throw new GuestMemoryError(addr, len, this.size, access);
  }

  /**
   * `check` for a fixed, small width (a field or one descriptor: whole bytes, at most 16): `addr >>> 0 === addr` proves a whole number in
   * [0, 2^32) in one comparison, which every in-range address of a buffer this size is. Anything else (fractions,
   * NaN, negatives, bigints) goes to `check` for the error. The ring's hot loops make millions of these a second.
   */
  checkFixed(addr: number, width: number, access: 'read' | 'write'): void {
    if (addr >>> 0 !== addr || addr > this.size - width) this.check(addr, width, access);
  }

  read8(addr: number): number {
    this.checkFixed(addr, 1, 'read');
    return this.view.getUint8(addr);
  }
  // The ring's hot accessors (read16/32, write16/32/64Number, load16, store16) spell checkFixed's test out and take
  // their common case (no observer) without a further call: V8 inlines only so much into the ring's longer
  // functions, and a chain accessor → beginStore → checkFixed that is not inlined costs several calls per field.
  read16(addr: number): number {
    if (addr >>> 0 !== addr || addr > this.size - 2) this.check(addr, 2, 'read');
    return this.view.getUint16(addr, true);
  }
  read32(addr: number): number {
    if (addr >>> 0 !== addr || addr > this.size - 4) this.check(addr, 4, 'read');
    return this.view.getUint32(addr, true);
  }
  read64(addr: number): bigint {
    this.checkFixed(addr, 8, 'read');
    return this.view.getBigUint64(addr, true);
  }

  // Stores: beginStore checks the range and, only while an observer is set, copies the old bytes; endStore reports
  // the store. (Spelled out per accessor rather than passing the write as a closure: the ring's hot loop makes
  // millions of stores, and a closure per store was a large part of its cost.)
  write8(addr: number, value: number): void {
    const old = this.beginStore(addr, 1);
    this.view.setUint8(addr, value);
    if (old !== null) this.endStore(addr, old);
  }
  write16(addr: number, value: number): void {
    if (this.observer === null && addr >>> 0 === addr && addr <= this.size - 2) {
      this.view.setUint16(addr, value, true);
      return;
    }
    const old = this.beginStore(addr, 2);
    this.view.setUint16(addr, value, true);
    if (old !== null) this.endStore(addr, old);
  }
  write32(addr: number, value: number): void {
    if (this.observer === null && addr >>> 0 === addr && addr <= this.size - 4) {
      this.view.setUint32(addr, value >>> 0, true);
      return;
    }
    const old = this.beginStore(addr, 4);
    this.view.setUint32(addr, value >>> 0, true);
    if (old !== null) this.endStore(addr, old);
  }
  write64(addr: number, value: bigint): void {
    const old = this.beginStore(addr, 8);
    this.view.setBigUint64(addr, BigInt.asUintN(64, value), true);
    if (old !== null) this.endStore(addr, old);
  }
  /**
   * The same 8-byte store as write64 for an address held as a number (a safe, non-negative integer), without
   * making a bigint: two 32-bit halves, still one store for the observer.
   */
  write64Number(addr: number, value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      this.write64(addr, BigInt(value));
      return;
    }
    const old =
      this.observer === null && addr >>> 0 === addr && addr <= this.size - 8 ? null : this.beginStore(addr, 8);
    // ToUint32 (>>> 0) of a safe integer is exactly its low word, and far cheaper than a floating-point modulo.
    const low = value >>> 0;
    this.view.setUint32(addr, low, true);
    this.view.setUint32(addr + 4, (value - low) / TWO_POW_32, true);
    if (old !== null) this.endStore(addr, old);
  }

  /** Atomic 16-bit load of a ring index or flags field (little-endian on any host). */
  load16(addr: number): number {
    if (addr >>> 0 !== addr || addr > this.size - 2) this.check(addr, 2, 'read');
    if ((addr & 1) !== 0) return this.view.getUint16(addr, true);
    const v = Atomics.load(this.halfwords, addr >>> 1);
    return HOST_IS_LITTLE_ENDIAN ? v : swap16(v);
  }

  /**
   * Atomic 16-bit store of a ring index or flags field: the publication point the other side polls. An Atomics store
   * is also a full barrier. `ordered: false` stores the same aligned halfword without it (still tear-free for the
   * side polling it with load16), for a field the real code writes with a plain store and no barrier, where a later
   * ordered store publishes it anyway.
   */
  store16(addr: number, value: number, ordered = true): void {
    const old =
      this.observer === null && addr >>> 0 === addr && addr <= this.size - 2 ? null : this.beginStore(addr, 2);
    const v = HOST_IS_LITTLE_ENDIAN ? value & 0xffff : swap16(value & 0xffff);
    if ((addr & 1) !== 0) this.view.setUint16(addr, value & 0xffff, true);
    else if (ordered) Atomics.store(this.halfwords, addr >>> 1, v);
    else this.halfwords[addr >>> 1] = v;
    if (old !== null) this.endStore(addr, old);
  }

  readBytes(addr: number, len: number): Uint8Array {
    this.check(addr, len, 'read');
    this.readObserver?.(addr as GuestAddr, len);
    return this.bytes.slice(addr, addr + len);
  }

  writeBytes(addr: number, data: Uint8Array): void {
    const old = this.beginStore(addr, data.length);
    this.bytes.set(data, addr);
    if (old !== null) this.endStore(addr, old);
  }

  fill(addr: number, len: number, value = 0): void {
    const old = this.beginStore(addr, len);
    this.bytes.fill(value, addr, addr + len);
    if (old !== null) this.endStore(addr, old);
  }

  /** A read-only window for renderers (hex view); it aliases guest memory, so it must not be written. */
  window(addr: number, len: number): Uint8Array {
    this.check(addr, len, 'read');
    return this.bytes.subarray(addr, addr + len);
  }

  /** Checks a store's range; returns the bytes it will overwrite when an observer wants them, else null. */
  private beginStore(addr: number, len: number): Uint8Array | null {
    if (len >>> 0 === len && len <= 8) this.checkFixed(addr, len, 'write');
    else this.check(addr, len, 'write');
    return this.observer === null ? null : this.bytes.slice(addr, addr + len);
  }

  private endStore(addr: number, old: Uint8Array): void {
    this.observer?.({ addr: addr as GuestAddr, old, new: this.bytes.slice(addr, addr + old.length) });
  }
}
