import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  compareOutstanding,
  type ChainDiffRow,
  type ChainMatch,
  type OutstandingChain,
  type RingSnapshot,
} from '../../../import/snapshot';
import { useSafeId } from '../../components/useSafeId';
import { poppedText } from './popped';

/** Rows drawn before the rest is only counted (each side holds at most 32768). */
const SHOWN = 512;
const MATCHES: readonly ChainMatch[] = ['both', 'reused', 'left', 'right'];
/** The filter: one kind of match, or the heads in both whose chain changed while outstanding. */
type Only = ChainMatch | 'changed' | null;
const changedInFlight = (r: ChainDiffRow) => r.match === 'both' && r.changedDescs.length > 0;

function Where({ c }: { c: OutstandingChain | null }) {
  const { t } = useTranslation('snapshot');
  if (!c) return <span className="vr-dim">{t('chains.absent')}</span>;
  return (
    <>
      <span className="vr-num">{t('chains.at', { pos: c.availPos, slot: c.slot })}</span>
      <span className={c.popped !== false ? 'snap-state' : 'snap-state snap-waiting'}>{poppedText(c, t)}</span>
    </>
  );
}

function Note({ row }: { row: ChainDiffRow }) {
  const { t } = useTranslation('snapshot');
  const notes: string[] = [];
  const what = row.changes.map((c) => `desc[${c.index}].${c.field} ${c.left} → ${c.right}`).join('; ');
  if (what) notes.push(t(row.match === 'both' ? 'chains.changed' : 'chains.rewritten', { what }));
  if (row.left?.popped === false && row.right?.popped === true) notes.push(t('chains.poppedBetween'));
  if (notes.length === 0) return null;
  return <span className="snap-chain-note">{notes.join(' ')}</span>;
}

/**
 * The outstanding chains of A and B matched by head (compareOutstanding): in both at the same avail position
 * (not completed in between: a stuck request shows here), offered again, only in A, only in B.
 */
export function ChainDiffTable({ left, right }: { left: RingSnapshot; right: RingSnapshot }) {
  const { t } = useTranslation('snapshot');
  const titleId = useSafeId();
  const diff = useMemo(() => compareOutstanding(left, right), [left, right]);
  const [only, setOnly] = useState<Only>(null);
  const rows =
    only === null ? diff.rows : diff.rows.filter((r) => (only === 'changed' ? changedInFlight(r) : r.match === only));
  const shown = rows.slice(0, SHOWN);
  return (
    <section className="snap-chains" data-testid="chain-diff">
      <h4 id={titleId} className="vr-minor-title">
        {t('chains.title')}
      </h4>
      <p className="vr-lede">{t('chains.lede')}</p>
      {!diff.sameRing && (
        <p className="vr-warn" role="note" data-testid="different-ring">
          {t('chains.differentRing')}
        </p>
      )}
      {diff.rows.length === 0 ? (
        <p className="vr-note">{t('chains.none')}</p>
      ) : (
        <>
          <div className="button-group snap-chain-filter" role="group" aria-label={t('chains.filter')}>
            <button type="button" aria-pressed={only === null} onClick={() => setOnly(null)}>
              {t('chains.all', { count: diff.rows.length })}
            </button>
            {MATCHES.map((m) => (
              <button
                key={m}
                type="button"
                aria-pressed={only === m}
                disabled={diff.counts[m] === 0}
                onClick={() => setOnly(only === m ? null : m)}
                data-testid={`chain-count-${m}`}
              >
                {t(`chains.count.${m}`, { count: diff.counts[m] })}
              </button>
            ))}
            {diff.changedInFlight > 0 && (
              <button
                type="button"
                aria-pressed={only === 'changed'}
                onClick={() => setOnly(only === 'changed' ? null : 'changed')}
                data-testid="chain-count-changed"
              >
                {t('chains.count.changed', { count: diff.changedInFlight })}
              </button>
            )}
          </div>
          <div className="snap-scroll" tabIndex={0} role="region" aria-labelledby={titleId}>
            <table className="vr-table snap-table">
              <thead>
                <tr>
                  <th scope="col">{t('chains.col.head')}</th>
                  <th scope="col">{t('chains.col.match')}</th>
                  <th scope="col">{t('chains.col.a')}</th>
                  <th scope="col">{t('chains.col.b')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr
                    key={`${r.match}:${r.left?.availPos ?? ''}:${r.right?.availPos ?? ''}`}
                    className={`snap-chain snap-chain-${r.match}${changedInFlight(r) ? ' snap-differs' : ''}`}
                    data-match={r.match}
                  >
                    <th scope="row" className="vr-num">
                      {r.head}
                    </th>
                    <td>
                      {t(`chains.match.${r.match}`)}
                      <Note row={r} />
                    </td>
                    <td>
                      <Where c={r.left} />
                    </td>
                    <td>
                      <Where c={r.right} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length > shown.length && (
              <p className="vr-note">{t('outstanding.more', { count: rows.length - shown.length })}</p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
