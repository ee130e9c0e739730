import { u16Sub } from '../../virtio/types';
import type { OutstandingChain, RingSnapshot, SnapshotDesc } from './types';

export interface CompareRow {
  /** The field, by its QEMU/virtio name. */
  field: string;
  left: string;
  right: string;
  same: boolean;
  /**
   * How far the field moved from left to right, signed ("+512", "-3"); null when it did not move or is not a
   * count. Free-running 16-bit indices move modulo 2^16, taken as the nearer way round (a ring holds at most
   * 32768 entries), so 65530 → 4 is "+10".
   */
  moved: string | null;
}

type Value = string | number | boolean;
/** 'index': a free-running u16 index; 'count': a plain number; 'other': compared, never subtracted. */
type Kind = 'index' | 'count' | 'other';

const gpa = (n: number) => `0x${n.toString(16)}`;
/** A status field QEMU did not report (a vhost device). */
export const NOT_REPORTED = 'not reported';

const FIELDS: [string, Kind, (s: RingSnapshot) => Value][] = [
  ['queue_index', 'other', (s) => s.status.queue_index],
  ['vring.num', 'other', (s) => s.size],
  ['vring.desc', 'other', (s) => gpa(s.addrs.desc)],
  ['vring.avail', 'other', (s) => gpa(s.addrs.avail)],
  ['vring.used', 'other', (s) => gpa(s.addrs.used)],
  ['avail.flags', 'other', (s) => s.avail.flags],
  ['avail.idx', 'index', (s) => s.avail.idx],
  ['used_event', 'index', (s) => s.avail.used_event],
  ['used.flags', 'other', (s) => s.used.flags],
  ['used.idx', 'index', (s) => s.used.idx],
  ['avail_event', 'index', (s) => s.used.avail_event],
  // A vhost device's status leaves these out: said so, never subtracted.
  ['last_avail_idx', 'index', (s) => s.status.last_avail_idx ?? NOT_REPORTED],
  ['shadow_avail_idx', 'index', (s) => s.status.shadow_avail_idx ?? NOT_REPORTED],
  ['used_idx', 'index', (s) => s.status.used_idx],
  ['signalled_used', 'index', (s) => s.status.signalled_used],
  ['signalled_used_valid', 'other', (s) => s.status.signalled_used_valid],
  ['inuse', 'count', (s) => s.status.inuse],
  ['outstanding', 'count', (s) => s.outstanding.length],
  ['outstanding, INDIRECT', 'count', (s) => s.outstanding.filter((c) => c.indirect !== null).length],
  ['disagreements', 'count', (s) => s.disagreements.length],
];

/** right − left as a signed string, or null when equal or not numbers. */
function movedBy(kind: Kind, l: Value, r: Value): string | null {
  if (kind === 'other' || typeof l !== 'number' || typeof r !== 'number' || l === r) return null;
  const forward = u16Sub(r, l);
  const d = kind === 'count' ? r - l : forward >= 0x8000 ? forward - 0x10000 : forward;
  return d > 0 ? `+${d}` : String(d);
}

/**
 * Two snapshots field by field: a real VM's and an exported simulation's, or two snapshots of one queue (before
 * and after, or two VMs), for the side-by-side view.
 */
export function compareSnapshots(left: RingSnapshot, right: RingSnapshot): CompareRow[] {
  return FIELDS.map(([field, kind, get]) => {
    const lv = get(left);
    const rv = get(right);
    const l = String(lv);
    const r = String(rv);
    return { field, left: l, right: r, same: l === r, moved: movedBy(kind, lv, rv) };
  });
}

/**
 * How a head outstanding in one snapshot relates to the other:
 * - 'both': outstanding in both at the same avail position: the same request, not completed in between;
 * - 'reused': outstanding in both, but at different avail positions: completed, and the driver offered the
 *   same head again (or the two snapshots are of different rings);
 * - 'left': outstanding only in the left one (completed by the time of the right one, if left is earlier);
 * - 'right': outstanding only in the right one (offered since).
 */
export type ChainMatch = 'both' | 'reused' | 'left' | 'right';

export interface ChainDiffRow {
  head: number;
  match: ChainMatch;
  left: OutstandingChain | null;
  right: OutstandingChain | null;
  /**
   * For a head in both: the descriptor-table entries of its chain (as either snapshot walks it) whose addr, len,
   * flags or next differ between the two, in index order; for 'both' that is a chain changed while the device
   * owned it. Empty for a head on one side only.
   */
  changedDescs: number[];
  /** The same, field by field (addr and flags in hex). */
  changes: DescFieldChange[];
}

export interface OutstandingDiff {
  /** 'both', then 'reused', then 'left', then 'right'; each oldest first (by its snapshot's avail position). */
  rows: ChainDiffRow[];
  counts: Record<ChainMatch, number>;
  /** Heads in both at the same avail position whose chain's descriptors differ (changed while outstanding). */
  changedInFlight: number;
  /** Same size and the same guest-physical addresses: heads are comparable as the same descriptors. */
  sameRing: boolean;
}

/** One field of one descriptor-table entry that differs between the two snapshots. */
export interface DescFieldChange {
  index: number;
  field: 'addr' | 'len' | 'flags' | 'next';
  left: string;
  right: string;
}

const DESC_FIELDS = ['addr', 'len', 'flags', 'next'] as const;
const fieldText = (field: DescFieldChange['field'], d: SnapshotDesc) =>
  field === 'addr' || field === 'flags' ? `0x${d[field].toString(16)}` : String(d[field]);

/** Every field that differs in the entries the chain uses (as either snapshot walks it), by index. */
function descChanges(left: RingSnapshot, right: RingSnapshot, l: OutstandingChain, r: OutstandingChain) {
  const indices = [...new Set([...l.descs, ...r.descs])].sort((a, b) => a - b);
  const out: DescFieldChange[] = [];
  for (const index of indices) {
    const a = left.desc[index];
    const b = right.desc[index];
    if (!a || !b) continue; // beyond the smaller ring of two different sizes: nothing to compare it with
    for (const field of DESC_FIELDS)
      if (a[field] !== b[field]) out.push({ index, field, left: fieldText(field, a), right: fieldText(field, b) });
  }
  return out;
}

/**
 * The outstanding chains of two snapshots matched by head. A head outstanding at the same avail position in both
 * is one request; otherwise a head outstanding in both is paired in order as reused. A broken ring can hold one
 * head at two positions at once: each is paired once, the rest are counted as only on its side.
 */
export function compareOutstanding(left: RingSnapshot, right: RingSnapshot): OutstandingDiff {
  const unmatched = new Set(right.outstanding);
  const exact = new Map(right.outstanding.map((c) => [`${c.head}@${c.availPos}`, c]));
  const byHead = new Map<number, OutstandingChain[]>();
  for (const c of right.outstanding) {
    const list = byHead.get(c.head);
    if (list) list.push(c);
    else byHead.set(c.head, [c]);
  }
  const pairs = new Map<OutstandingChain, OutstandingChain>();
  for (const l of left.outstanding) {
    const r = exact.get(`${l.head}@${l.availPos}`);
    if (r && unmatched.has(r)) {
      pairs.set(l, r);
      unmatched.delete(r);
    }
  }
  const groups: Record<ChainMatch, ChainDiffRow[]> = { both: [], reused: [], left: [], right: [] };
  const row = (match: ChainMatch, l: OutstandingChain | null, r: OutstandingChain | null): ChainDiffRow => {
    const changes = l && r ? descChanges(left, right, l, r) : [];
    return {
      head: (l ?? r)!.head,
      match,
      left: l,
      right: r,
      changedDescs: [...new Set(changes.map((c) => c.index))],
      changes,
    };
  };
  for (const l of left.outstanding) {
    const same = pairs.get(l);
    if (same) {
      groups.both.push(row('both', l, same));
      continue;
    }
    const reused = byHead.get(l.head)?.find((c) => unmatched.has(c));
    if (reused) {
      unmatched.delete(reused);
      groups.reused.push(row('reused', l, reused));
    } else groups.left.push(row('left', l, null));
  }
  for (const r of right.outstanding) if (unmatched.has(r)) groups.right.push(row('right', null, r));
  return {
    rows: [...groups.both, ...groups.reused, ...groups.left, ...groups.right],
    counts: {
      both: groups.both.length,
      reused: groups.reused.length,
      left: groups.left.length,
      right: groups.right.length,
    },
    changedInFlight: groups.both.filter((r) => r.changedDescs.length > 0).length,
    sameRing:
      left.size === right.size &&
      left.addrs.desc === right.addrs.desc &&
      left.addrs.avail === right.addrs.avail &&
      left.addrs.used === right.addrs.used,
  };
}
