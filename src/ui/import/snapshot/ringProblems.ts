import type { TFunction } from 'i18next';
import type { ChainProblem, UnmatchedElement } from '../../../import/snapshot/types';
import type { RingProblem } from '../../../import/snapshot/problems';

// The list itself is the importer's ringProblems (the CLI prints the same one in English): this module words it.

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

/** An element answer file that matched no outstanding chain, in the page's language (the CLI has `message`). */
export function unmatchedElementText(u: UnmatchedElement, t: TFunction<'snapshot'>): string {
  return t(`snapshot:problems.element.${u.reason}`, { ...u.params, file: u.file, index: u.index });
}
