import type { TFunction } from 'i18next';
import type { ChainProblem, RingSnapshot } from '../../../import/snapshot/types';
import { u16Sub } from '../../../virtio/types';

/** One thing wrong with the ring's bytes, as the snapshot view lists it at its top. */
export type RingProblem =
  | { kind: 'tooMany'; avail: number; used: number; inFlight: number; size: number }
  | { kind: 'chain'; pos: number; slot: number; head: number; problem: ChainProblem };

/**
 * What no correct driver and device leave in a ring (the CLI summary's `problems`, as data): avail.idx more than
 * a ring ahead of used.idx, then each outstanding chain that cannot be walked, oldest first.
 */
export function ringProblems(s: RingSnapshot): RingProblem[] {
  const out: RingProblem[] = [];
  const inFlight = u16Sub(s.avail.idx, s.used.idx);
  if (inFlight > s.size) out.push({ kind: 'tooMany', avail: s.avail.idx, used: s.used.idx, inFlight, size: s.size });
  for (const c of s.outstanding)
    if (c.problem) out.push({ kind: 'chain', pos: c.availPos, slot: c.slot, head: c.head, problem: c.problem });
  return out;
}

/** A chain's problem in the page's language: what broke, and what QEMU would say (its own words, in English). */
export interface ChainProblemText {
  what: string;
  /** "QEMU's fn() would refuse it: “…”", or that nothing checks it. */
  check: string;
}

/** `t` is 'snapshot''s. Without the importer's tip, its English message is shown as it is. */
export function chainProblemText(p: ChainProblem, t: TFunction<'snapshot'>): ChainProblemText {
  const what = p.tip ? t(`snapshot:problems.chain.${p.tip.key}`, p.tip.params) : p.message;
  const check =
    p.where === null
      ? t('snapshot:problems.noCheck')
      : t('snapshot:problems.qemu', { fn: p.where, message: p.tip?.qemuMessage ?? p.message });
  return { what, check };
}

/** One line of the list at the view's top: what is wrong, and (for a chain) who would notice. */
export function ringProblemText(p: RingProblem, t: TFunction<'snapshot'>): { text: string; check: string | null } {
  if (p.kind === 'tooMany') return { text: t('snapshot:problems.tooMany', p), check: null };
  const { what, check } = chainProblemText(p.problem, t);
  return { text: t('snapshot:problems.at', { pos: p.pos, slot: p.slot, head: p.head, what }), check };
}
