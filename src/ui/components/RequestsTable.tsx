import { useTranslation } from 'react-i18next';
import type { RequestStage, RequestView } from '../../engine/view';
import { useSafeId } from './useSafeId';
import { blkStatusName } from './format';
import { RequestTag } from './RequestTag';

/** Rows drawn at most; a long run keeps its newest requests on screen. */
const MAX_ROWS = 200;

const STAGE_GLYPH: Record<RequestStage, string> = {
  queued: '○',
  'in avail': '▶',
  popped: '◐',
  'in I/O': '◕',
  'in used': '◀',
  completed: '✔',
  rejected: '✘',
};

/** Every request of the run: what it asks, which chain carries it, and how far it has got. */
export function RequestsTable({ requests }: { requests: RequestView[] }) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const shown = requests.length > MAX_ROWS ? requests.slice(requests.length - MAX_ROWS) : requests;
  const inFlight = requests.filter((r) => r.stage !== 'completed' && r.stage !== 'rejected').length;
  return (
    <section className="vr-panel vr-requests" aria-labelledby={titleId}>
      <h3 id={titleId} className="vr-panel-title">
        {t('req.title')} <span className="vr-sub">{t('req.summary', { count: requests.length, inFlight })}</span>
      </h3>
      {requests.length > shown.length && (
        <p className="vr-note">{t('req.truncated', { shown: shown.length, count: requests.length })}</p>
      )}
      {requests.length === 0 ? (
        <p className="vr-note">{t('req.none')}</p>
      ) : (
        // Named apart from the section (landmark names must differ), as the descriptor table's rows are.
        <div className="vr-scroll-x vr-req-scroll" tabIndex={0} role="region" aria-label={t('req.rowsRegion')}>
          <table className="vr-table vr-req-table">
            <thead>
              <tr>
                <th scope="col">{t('req.col.id')}</th>
                <th scope="col">{t('req.col.type')}</th>
                <th scope="col">{t('req.col.sector')}</th>
                <th scope="col">{t('req.col.length')}</th>
                <th scope="col">{t('req.col.head')}</th>
                <th scope="col">{t('req.col.stage')}</th>
                <th scope="col">{t('req.col.status')}</th>
                <th scope="col">{t('req.col.latency')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr
                  key={r.id}
                  data-testid="request-row"
                  className={`vr-req-row vr-stage-${r.stage.replace(/ /g, '-').toLowerCase()}`}
                >
                  <td>
                    <RequestTag id={r.id} />
                    {r.queue > 0 && <span className="vr-sub"> vq{r.queue}</span>}
                  </td>
                  <td className="vr-mono">{r.op}</td>
                  <td className="vr-num">{r.sector}</td>
                  <td className="vr-num">{r.nsectors}</td>
                  <td className="vr-num">{r.head ?? '—'}</td>
                  <td className="vr-req-wrap vr-req-stage">
                    <span className="vr-stage">
                      {/* A no-break space: the glyph stays with the stage's first word when the cell wraps. */}
                      <span aria-hidden="true">
                        {STAGE_GLYPH[r.stage]}
                        {'\u00a0'}
                      </span>
                      {t(`stage.${r.stage}`)}
                    </span>
                  </td>
                  <td className={`vr-mono ${r.status !== null && r.status !== 0 ? 'vr-bad-text' : ''}`}>
                    {r.status === null ? '—' : blkStatusName(r.status)}
                  </td>
                  <td className="vr-num vr-req-wrap">
                    {r.latency === null ? '—' : t('req.ticks', { count: r.latency })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
