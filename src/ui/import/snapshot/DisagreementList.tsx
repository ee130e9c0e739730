import { useTranslation } from 'react-i18next';
import type { Disagreement } from '../../../import/snapshot';
import { useSafeId } from '../../components/useSafeId';
import { disagreementCells, disagreementTip } from './disagreementCells';

/** Every place the queries and the bytes differ, in a table: shown, never smoothed over. */
export function DisagreementList({ list }: { list: readonly Disagreement[] }) {
  const { t } = useTranslation('snapshot');
  const titleId = useSafeId();
  return (
    <section className="vr-panel snap-disagree">
      <h3 id={titleId} className="vr-panel-title">
        {t('disagree.title', { count: list.length })}
      </h3>
      <p className="vr-lede">{t('disagree.lede')}</p>
      {list.length === 0 ? (
        <p className="vr-note">{t('disagree.none')}</p>
      ) : (
        <div className="snap-scroll" tabIndex={0} role="region" aria-labelledby={titleId}>
          <table className="vr-table snap-table" data-testid="disagreements">
            <thead>
              <tr>
                <th scope="col">{t('disagree.col.what')}</th>
                <th scope="col">{t('disagree.col.field')}</th>
                <th scope="col">{t('disagree.col.reported')}</th>
                <th scope="col">{t('disagree.col.actual')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d, i) => {
                const cells = disagreementCells(d, t);
                return (
                  <tr key={i} data-kind={d.kind} title={disagreementTip(d, t)}>
                    <td>{t(`disagree.kind.${d.kind}`)}</td>
                    <td>
                      <code>{cells.field}</code>
                    </td>
                    <td className="vr-num">{cells.reported}</td>
                    <td className="vr-num">{cells.actual}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
