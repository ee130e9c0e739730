import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../virtio/constants';

// QEMU's element query also names the packed ring's AVAIL (bit 7) and USED (bit 15) bits, on any ring.
const QEMU_AVAIL = 1 << 7;
const QEMU_USED = 1 << 15;
const NAMED = VRING_DESC_F_NEXT | VRING_DESC_F_WRITE | VRING_DESC_F_INDIRECT | QEMU_AVAIL | QEMU_USED;

/**
 * Descriptor flags by the names QEMU's element query uses ("next", "write", "indirect", "avail", "used"; QEMU:
 * qmp_decode_vring_desc_flags()). Any other bit set stays visible as its hex value: a corrupt flags field must not
 * read like a plain device-readable descriptor.
 */
export function descFlagNamesOf(flags: number): string[] {
  const out: string[] = [];
  if (flags & VRING_DESC_F_NEXT) out.push('next');
  if (flags & VRING_DESC_F_WRITE) out.push('write');
  if (flags & VRING_DESC_F_INDIRECT) out.push('indirect');
  if (flags & QEMU_AVAIL) out.push('avail');
  if (flags & QEMU_USED) out.push('used');
  const other = flags & ~NAMED & 0xffff;
  if (other) out.push(`0x${other.toString(16)}`);
  return out;
}
