import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../virtio/constants';

/** Descriptor flags by the names QEMU's element query uses ("next", "write", "indirect"). */
export function descFlagNamesOf(flags: number): string[] {
  const out: string[] = [];
  if (flags & VRING_DESC_F_NEXT) out.push('next');
  if (flags & VRING_DESC_F_WRITE) out.push('write');
  if (flags & VRING_DESC_F_INDIRECT) out.push('indirect');
  return out;
}
