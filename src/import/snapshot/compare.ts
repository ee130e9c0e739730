import type { RingSnapshot } from './types';

export interface CompareRow {
  /** The field, by its QEMU/virtio name. */
  field: string;
  left: string;
  right: string;
  same: boolean;
}

const FIELDS: [string, (s: RingSnapshot) => string | number | boolean][] = [
  ['vring.num', (s) => s.size],
  ['avail.flags', (s) => s.avail.flags],
  ['avail.idx', (s) => s.avail.idx],
  ['used_event', (s) => s.avail.used_event],
  ['used.flags', (s) => s.used.flags],
  ['used.idx', (s) => s.used.idx],
  ['avail_event', (s) => s.used.avail_event],
  ['last_avail_idx', (s) => s.status.last_avail_idx],
  ['shadow_avail_idx', (s) => s.status.shadow_avail_idx],
  ['used_idx', (s) => s.status.used_idx],
  ['signalled_used', (s) => s.status.signalled_used],
  ['signalled_used_valid', (s) => s.status.signalled_used_valid],
  ['inuse', (s) => s.status.inuse],
  ['outstanding', (s) => s.outstanding.length],
  ['outstanding, INDIRECT', (s) => s.outstanding.filter((c) => c.indirect !== null).length],
  ['disagreements', (s) => s.disagreements.length],
];

/** Two snapshots field by field (e.g. a real VM's and an exported simulation's), for the side-by-side view. */
export function compareSnapshots(left: RingSnapshot, right: RingSnapshot): CompareRow[] {
  return FIELDS.map(([field, get]) => {
    const l = String(get(left));
    const r = String(get(right));
    return { field, left: l, right: r, same: l === r };
  });
}
