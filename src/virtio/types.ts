/**
 * Branded numbers, so a descriptor index cannot be passed where a guest address is meant.
 * All are plain JS numbers at run time: guest memory is far below 2^53 bytes.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A guest-physical address: a byte offset into guest memory. */
export type GuestAddr = Brand<number, 'GuestAddr'>;
/** An index into a descriptor table (0 .. size-1 when valid). */
export type DescIndex = Brand<number, 'DescIndex'>;
/** A free-running 16-bit ring index (`avail.idx`, `used.idx`, `last_avail_idx`, ...). Wraps at 65536. */
export type RingIdx = Brand<number, 'RingIdx'>;
/** A queue number (virtqueue index within a device). */
export type QueueIndex = Brand<number, 'QueueIndex'>;

export const guestAddr = (n: number): GuestAddr => n as GuestAddr;
export const descIndex = (n: number): DescIndex => n as DescIndex;
export const ringIdx = (n: number): RingIdx => (n & 0xffff) as RingIdx;
export const queueIndex = (n: number): QueueIndex => n as QueueIndex;

/** `(u16)(a + b)`: free-running index arithmetic. */
export const u16Add = (a: number, b: number): RingIdx => ((a + b) & 0xffff) as RingIdx;
/** `(u16)(a - b)`: how far index a is ahead of index b. */
export const u16Sub = (a: number, b: number): number => (a - b) & 0xffff;

/** Success or a typed error: the device side returns these instead of throwing. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
