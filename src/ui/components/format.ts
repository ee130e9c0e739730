import {
  VRING_AVAIL_F_NO_INTERRUPT,
  VRING_DESC_F_INDIRECT,
  VRING_DESC_F_NEXT,
  VRING_DESC_F_WRITE,
  VRING_USED_F_NO_NOTIFY,
} from '../../virtio/constants';
import { VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP } from '../../devices/blk/protocol';

/** `0x` and lower-case hex, zero-padded to `digits`. Accepts the bigint a descriptor's addr is kept as. */
export const hex = (n: number | bigint, digits = 0): string => `0x${n.toString(16).padStart(digits, '0')}`;

/** A byte as two hex digits, no prefix. */
export const hexByte = (b: number): string => b.toString(16).padStart(2, '0');

/** Decodes a flags word into the names of the set bits, plus any bits with no name as hex. */
function flagNames(flags: number, names: readonly (readonly [number, string])[]): string[] {
  const out: string[] = [];
  let rest = flags;
  for (const [bit, name] of names) {
    if (flags & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push(hex(rest));
  return out;
}

const DESC_FLAGS = [
  [VRING_DESC_F_NEXT, 'NEXT'],
  [VRING_DESC_F_WRITE, 'WRITE'],
  [VRING_DESC_F_INDIRECT, 'INDIRECT'],
] as const;

export const descFlagNames = (flags: number): string[] => flagNames(flags, DESC_FLAGS);
export const availFlagNames = (flags: number): string[] =>
  flagNames(flags, [[VRING_AVAIL_F_NO_INTERRUPT, 'NO_INTERRUPT']]);
export const usedFlagNames = (flags: number): string[] => flagNames(flags, [[VRING_USED_F_NO_NOTIFY, 'NO_NOTIFY']]);

const STATUS_NAMES: Record<number, string> = {
  [VIRTIO_BLK_S_OK]: 'OK',
  [VIRTIO_BLK_S_IOERR]: 'IOERR',
  [VIRTIO_BLK_S_UNSUPP]: 'UNSUPP',
};

/** virtio-blk's status byte by its spec name (VIRTIO_BLK_S_*), or hex for anything else. */
export const blkStatusName = (status: number): string => STATUS_NAMES[status] ?? hex(status, 2);

/** Printable ASCII for the hex view's text column. */
export const asciiOf = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·');
