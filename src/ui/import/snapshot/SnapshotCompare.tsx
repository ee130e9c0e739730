import { useTranslation } from 'react-i18next';
import { compareSnapshots, type RingSnapshot } from '../../../import/snapshot';
import { useSafeId } from '../../components/useSafeId';
import { SnapshotRing } from './SnapshotRing';

export interface SnapshotCompareProps {
  left: RingSnapshot;
  right: RingSnapshot;
  leftLabel: string;
  rightLabel: string;
}

/** Two ring snapshots side by side (e.g. a real VM's and the simulation's export): the fields, then both rings. */
export function SnapshotCompare({ left, right, leftLabel, rightLabel }: SnapshotCompareProps) {
  const { t } = useTranslation('snapshot');
  const titleId = useSafeId();
  const rows = compareSnapshots(left, right);
  return (
    <section className="snap-compare" aria-labelledby={titleId} data-testid="snapshot-compare">
      <h3 id={titleId} className="vr-panel-title">
        {t('compare.title')}
      </h3>
      <p className="vr-lede">{t('compare.lede')}</p>
      <table className="vr-table snap-table snap-compare-table">
        <thead>
          <tr>
            <th scope="col">{t('compare.field')}</th>
            <th scope="col">{leftLabel}</th>
            <th scope="col">{rightLabel}</th>
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
              <td className="vr-num">{r.left}</td>
              <td className="vr-num">{r.right}</td>
              <td>{r.same ? t('compare.same') : t('compare.differs')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="snap-compare-sides">
        <div className="snap-compare-side">
          <h4 className="vr-minor-title">{leftLabel}</h4>
          <SnapshotRing snapshot={left} descriptors={false} guest={false} />
        </div>
        <div className="snap-compare-side">
          <h4 className="vr-minor-title">{rightLabel}</h4>
          <SnapshotRing snapshot={right} descriptors={false} guest={false} />
        </div>
      </div>
    </section>
  );
}
