import type { GuestAddr } from './types';

/**
 * Every way a guest (or a device) can break the virtio contract, one variant each, in the manner of
 * rust-vmm's virtio-queue `Error`. `message` uses QEMU's wording (hw/virtio/virtio.c, hw/block/virtio-blk.c) or
 * Linux's (drivers/virtio/virtio_ring.c) where they have one; `spec` is the virtio 1.x section that the state breaks.
 * Where QEMU has no check of its own, `qemuChecks` is false and the wording is ours.
 */
export type VirtioErrorKind =
  // guest memory
  | 'memory-out-of-bounds'
  | 'misaligned-ring'
  | 'invalid-queue-size'
  // device side (QEMU's virtio_error), avail ring
  | 'avail-idx-jump'
  | 'head-out-of-range'
  | 'queue-size-exceeded'
  // device side, descriptor chains
  | 'desc-next-out-of-range'
  | 'looped-descriptor'
  | 'chain-too-long'
  | 'zero-sized-buffer'
  | 'incorrect-order'
  | 'bogus-descriptor'
  | 'too-many-segments'
  | 'chain-too-many-bytes'
  // device side, indirect tables
  | 'indirect-not-negotiated'
  | 'indirect-bad-size'
  | 'indirect-nested'
  | 'indirect-with-next'
  | 'indirect-empty'
  | 'cannot-map-indirect'
  // device side, used ring
  | 'used-push-invalid'
  // virtio-blk
  | 'blk-missing-headers'
  | 'blk-outhdr-too-short'
  | 'blk-inhdr-too-short'
  | 'blk-discard-header-too-short'
  // driver side (Linux's BAD_RING)
  | 'used-id-out-of-range'
  | 'used-id-not-head'
  | 'used-idx-jump'
  // device status / negotiation
  | 'features-not-accepted'
  | 'invalid-status-transition'
  | 'queue-not-ready';

export interface VirtioError {
  kind: VirtioErrorKind;
  /** Who detected it: the device (QEMU's virtio_error) or the driver (Linux's BAD_RING / dev_err). */
  side: 'device' | 'driver';
  /** The sentence the real implementation logs, values filled in. */
  message: string;
  /** Virtio 1.x spec section the state violates, e.g. "2.7.5.3.1". */
  spec: string;
  /** The real function that detects it, e.g. "virtqueue_split_pop". */
  where: string;
  /** False where QEMU/Linux accept this and only the spec forbids it; the message is then ours. */
  qemuChecks: boolean;
  /**
   * Where our check runs somewhere the real code's does not: 'not-in-qemu-pop', a check QEMU makes (with this
   * wording) in `where`, which its current virtqueue_split_pop no longer calls.
   */
  caveat?: 'not-in-qemu-pop';
  /** Extra values for the UI (addresses, indices). */
  detail?: Record<string, number | string | bigint>;
}

export function virtioError(
  kind: VirtioErrorKind,
  fields: Omit<VirtioError, 'kind' | 'side' | 'qemuChecks'> & { side?: VirtioError['side']; qemuChecks?: boolean },
): VirtioError {
  // Defaults go after the spread, so an explicit `side: undefined` cannot erase them.
  return { ...fields, kind, side: fields.side ?? 'device', qemuChecks: fields.qemuChecks ?? true };
}

/** Thrown by GuestMemory on an access outside guest memory; caught and turned into a VirtioError by callers. */
export class GuestMemoryError extends Error {
  readonly kind = 'memory-out-of-bounds' as const;
  constructor(
    readonly addr: number | bigint,
    readonly length: number,
    readonly memorySize: number,
    readonly access: 'read' | 'write',
  ) {
    super(
      `guest memory ${access} of ${length} byte(s) at 0x${addr.toString(16)} is outside guest memory (0x0..0x${memorySize.toString(16)})`,
    );
    this.name = 'GuestMemoryError';
  }

  toVirtioError(where: string, spec = '2.7.5'): VirtioError {
    return virtioError('memory-out-of-bounds', {
      message: this.message,
      spec,
      where,
      // BigInt() throws a RangeError on NaN or a fraction, which are exactly the addresses that land here.
      detail: { addr: toDetailAddr(this.addr), length: this.length, memorySize: this.memorySize },
    });
  }
}

const toDetailAddr = (addr: number | bigint): bigint | string =>
  typeof addr === 'bigint' || Number.isInteger(addr) ? BigInt(addr) : String(addr);

export const isGuestMemoryError = (e: unknown): e is GuestMemoryError => e instanceof GuestMemoryError;

/** Formats like QEMU's hex addresses, for messages. */
export const hex = (n: number | bigint | GuestAddr): string => `0x${n.toString(16)}`;
