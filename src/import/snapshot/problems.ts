import { u16Sub } from '../../virtio/types';
import type { ChainProblem, RingSnapshot } from './types';

/** One thing wrong with the ring's bytes: what no correct driver and device leave in a ring. */
export type RingProblem =
  | { kind: 'tooMany'; avail: number; used: number; inFlight: number; size: number }
  | { kind: 'chain'; pos: number; slot: number; head: number; problem: ChainProblem };

/**
 * The ring's broken invariants, as data for the CLI summary's `problems` and the snapshot view's list: avail.idx
 * more than a ring ahead of used.idx, then each outstanding chain that cannot be walked, oldest first.
 */
export function ringProblems(s: RingSnapshot): RingProblem[] {
  const out: RingProblem[] = [];
  const inFlight = u16Sub(s.avail.idx, s.used.idx);
  if (inFlight > s.size) out.push({ kind: 'tooMany', avail: s.avail.idx, used: s.used.idx, inFlight, size: s.size });
  for (const c of s.outstanding)
    if (c.problem) out.push({ kind: 'chain', pos: c.availPos, slot: c.slot, head: c.head, problem: c.problem });
  return out;
}
