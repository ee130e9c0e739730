import type { TFunction } from 'i18next';
import type { Disagreement } from '../../../import/snapshot';

/** A disagreement's field, reported and actual cells as the table shows them. */
export interface DisagreementCells {
  field: string;
  reported: string;
  actual: string;
}

/**
 * The cells in the page's language. The importer writes them for the CLI (src/import/snapshot/disagreements.ts):
 * field names and numbers, which read the same in every language, and a few English phrases, recognised here by
 * their exact shape and translated; anything else is shown as the importer wrote it. `t` is 'snapshot''s.
 */
export function disagreementCells(d: Disagreement, t: TFunction<'snapshot'>): DisagreementCells {
  return { field: cell(d.field, t), reported: cell(d.reported, t), actual: cell(d.actual, t) };
}

function cell(text: string, t: TFunction<'snapshot'>): string {
  let m = /^avail position (\d+)$/.exec(text);
  if (m) return t('snapshot:disagree.cell.availPos', { pos: m[1] });
  m = /^head (\d+)$/.exec(text);
  if (m) return t('snapshot:disagree.cell.head', { head: m[1] });
  m = /^not in flight \((\d+)\.\.(\d+)\)$/.exec(text);
  if (m) return t('snapshot:disagree.cell.notInFlight', { used: m[1], avail: m[2] });
  m = /^no request in flight \(used\.idx = avail\.idx = (\d+)\)$/.exec(text);
  if (m) return t('snapshot:disagree.cell.noneInFlight', { idx: m[1] });
  if (text === 'in flight at the dump') return t('snapshot:disagree.cell.inFlightAtDump');
  if (text === 'not reported') return t('snapshot:disagree.cell.notReported');
  if (text === 'not compared') return t('snapshot:disagree.cell.notCompared');
  return text;
}

/**
 * A disagreement's whole sentence (the row's tooltip) in the page's language, from the importer's `tip` (its
 * sentence as a key and values); the importer's English `message` where there is no tip. `t` is 'snapshot''s.
 */
export function disagreementTip(d: Disagreement, t: TFunction<'snapshot'>): string {
  if (!d.tip) return d.message;
  const { key, params } = d.tip;
  const at =
    params.pos === undefined ? t('snapshot:disagree.tipAt.any') : t('snapshot:disagree.tipAt.pos', { pos: params.pos });
  return t(`snapshot:disagree.tip.${key}`, {
    ...params,
    field: d.field,
    reported: d.reported,
    actual: d.actual,
    at,
  });
}
