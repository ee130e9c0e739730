import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { compareSnapshots, type RingSnapshot } from '../../../import/snapshot';
import { NOT_REPORTED } from '../../../import/snapshot/compare';
import { useSafeId } from '../../components/useSafeId';
import { SnapshotRing } from './SnapshotRing';

export interface SnapshotCompareProps {
  left: RingSnapshot;
  right: RingSnapshot;
  leftLabel: string;
  rightLabel: string;
  /** A column saying how far each index or count moved from left to right (two snapshots of one queue). */
  moved?: boolean;
  /** Shorter headings for the table's two value columns (the full labels head the rings). */
  columnLabels?: [string, string];
  /** A toggle that hides the fields that are the same. */
  filterable?: boolean;
  /** Replaces the lede (which speaks of the simulation). */
  lede?: string;
  /** Shown between the field table and the two rings. */
  children?: ReactNode;
}

/** Two ring snapshots side by side (e.g. a real VM's and the simulation's export): the fields, then both rings. */
export function SnapshotCompare(props: SnapshotCompareProps) {
  const { left, right, leftLabel, rightLabel, moved, filterable, lede, children } = props;
  const [leftColumn, rightColumn] = props.columnLabels ?? [leftLabel, rightLabel];
  const { t } = useTranslation('snapshot');
  const titleId = useSafeId();
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const all = useMemo(() => compareSnapshots(left, right), [left, right]);
  const differing = all.filter((r) => !r.same).length;
  const rows = onlyDiffs ? all.filter((r) => !r.same) : all;
  const fields = (
    <div className="snap-compare-fields">
      {filterable && (
        <button
          type="button"
          className="snap-only-diffs"
          aria-pressed={onlyDiffs}
          onClick={() => setOnlyDiffs(!onlyDiffs)}
        >
          {t('pair.onlyDiffs', { count: differing })}
        </button>
      )}
      <div className="snap-compare-scroll" tabIndex={0} role="region" aria-label={t('pair.fieldsRegion')}>
        <table className="vr-table snap-table snap-compare-table">
          <thead>
            <tr>
              <th scope="col">{t('compare.field')}</th>
              <th scope="col">{leftColumn}</th>
              <th scope="col">{rightColumn}</th>
              {moved && <th scope="col">{t('pair.moved')}</th>}
              <th scope="col">
                <span className="sr-only">{t('compare.differs')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field} className={r.same ? undefined : 'snap-differs'}>
                <th scope="row">
                  <code>{r.field}</code>
                </th>
                <td className="vr-num">{r.left === NOT_REPORTED ? t('notes.notReportedVhost') : r.left}</td>
                <td className="vr-num">{r.right === NOT_REPORTED ? t('notes.notReportedVhost') : r.right}</td>
                {moved && <td className="vr-num">{r.moved ?? ''}</td>}
                <td>{r.same ? t('compare.same') : t('compare.differs')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
  return (
    <section className="snap-compare" aria-labelledby={titleId} data-testid="snapshot-compare">
      <h3 id={titleId} className="vr-panel-title">
        {t('compare.title')}
      </h3>
      <p className="vr-lede">{lede ?? t('compare.lede')}</p>
      {children ? (
        <div className="snap-compare-top">
          {fields}
          {children}
        </div>
      ) : (
        fields
      )}
      <div className="snap-compare-sides">
        <div className="snap-compare-side">
          <h4 className="vr-minor-title">{leftLabel}</h4>
          <SnapshotRing snapshot={left} descriptors={false} guest={false} context={leftLabel} />
        </div>
        <div className="snap-compare-side">
          <h4 className="vr-minor-title">{rightLabel}</h4>
          <SnapshotRing snapshot={right} descriptors={false} guest={false} context={rightLabel} />
        </div>
      </div>
    </section>
  );
}
