import { useSafeId } from './useSafeId';
import { useTranslation } from 'react-i18next';
import type { QueueView } from '../../engine/view';
import { availFlagNames, hex } from './format';
import { Field } from './Field';

/** Longest free list drawn box by box; the rest is counted. */
const FREE_LIST_SHOWN = 64;

/** Linux's private `struct vring_virtqueue` for this queue: what the driver knows, published or not. */
export function DriverState({ queue }: { queue: QueueView }) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const d = queue.driver;
  const shown = d.free_list.slice(0, FREE_LIST_SHOWN);
  const unpublished = d.avail_idx_shadow !== queue.avail.idx;
  return (
    <section className="vr-panel vr-side vr-side-guest" aria-labelledby={titleId}>
      <h3 id={titleId} className="vr-panel-title">
        {t('driver.title')} <span className="vr-sub">{t('driver.sub', { queue: queue.index })}</span>
      </h3>
      <dl className="vr-fields">
        <Field name="free_head" label="free_head" value={d.free_head} note={t('driver.free_head')} />
        <Field name="vq.num_free" label="num_free" value={d.num_free} note={t('driver.num_free', { num: d.num })} />
        <Field
          name="split.avail_idx_shadow"
          label="avail_idx_shadow"
          value={d.avail_idx_shadow}
          note={unpublished ? t('driver.shadowAhead', { idx: queue.avail.idx }) : t('driver.avail_idx_shadow')}
          attention={unpublished}
        />
        <Field name="last_used_idx" label="last_used_idx" value={d.last_used_idx} note={t('driver.last_used_idx')} />
        <Field name="num_added" label="num_added" value={d.num_added} note={t('driver.num_added')} />
        <Field
          name="split.avail_flags_shadow"
          label="avail_flags_shadow"
          value={hex(d.avail_flags_shadow, 4)}
          big={false}
          note={`${t('driver.avail_flags_shadow')} · ${availFlagNames(d.avail_flags_shadow).join(' ') || t('ring.noFlags')}`}
        />
      </dl>
      <ul className="vr-bools" aria-label={t('driver.flagsLabel')}>
        {(['event', 'indirect', 'weak_barriers', 'broken', 'event_triggered'] as const).map((k) => (
          <li key={k} className={`vr-bool ${d[k] ? 'vr-on' : 'vr-off'} ${k === 'broken' && d[k] ? 'vr-bad' : ''}`}>
            <code>{k}</code> <span aria-hidden="true">{d[k] ? '✔' : '✘'}</span>
            <span className="vr-sr">{d[k] ? t('common.true') : t('common.false')}</span>
          </li>
        ))}
      </ul>
      <div className="vr-freelist">
        <h4 className="vr-minor-title">{t('driver.freeList', { count: d.free_list.length })}</h4>
        <ol className="vr-chain" aria-label={t('driver.freeListLabel')}>
          {shown.map((i) => (
            <li key={i}>
              <span className="vr-chain-node">{i}</span>
            </li>
          ))}
          {d.free_list.length > shown.length && (
            <li className="vr-chain-more">{t('driver.more', { count: d.free_list.length - shown.length })}</li>
          )}
          <li className="vr-chain-end">{t('driver.end')}</li>
        </ol>
      </div>
    </section>
  );
}
