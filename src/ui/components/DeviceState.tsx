import { useSafeId } from './useSafeId';
import { useTranslation } from 'react-i18next';
import type { QueueView } from '../../engine/view';
import { hex } from './format';
import { Field } from './Field';

export type WithheldField = 'notification' | 'broken' | 'last_avail_idx' | 'shadow_avail_idx';

export interface DeviceStateProps {
  queue: QueueView;
  /**
   * Fields a real VM's snapshot does not give, each with what to show instead of the view's placeholder value (a
   * snapshot never holds notification or broken; a vhost device's status leaves out some indices).
   */
  withheld?: Partial<Record<WithheldField, string>>;
  /**
   * False for a snapshot that is not atomic: its VirtQueue may lag the bytes as well as lead them, so the notes
   * that explain a difference as "not yet flushed"/"stale" are left out (the difference is still emphasised).
   */
  differenceNotes?: boolean;
  /** Whose VirtQueue this is (e.g. one of two snapshots side by side), after the title and in its landmark name. */
  context?: string;
}

/** QEMU's private `VirtQueue` for this queue: where the device is, which may lag what memory says. */
export function DeviceState({ queue, withheld = {}, differenceNotes = true, context }: DeviceStateProps) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const v = queue.device;
  return (
    <section className="vr-panel vr-side vr-side-device" aria-labelledby={titleId}>
      <h3 id={titleId} className="vr-panel-title">
        {t('device.title')}{' '}
        <span className="vr-sub">
          {t('device.sub', { queue: queue.index })}
          {context && ` · ${context}`}
        </span>
      </h3>
      {!v ? (
        <p className="vr-note">{t('device.none')}</p>
      ) : (
        <>
          <dl className="vr-fields">
            <Field
              name="last_avail_idx"
              label="last_avail_idx"
              value={withheld.last_avail_idx ?? v.last_avail_idx}
              note={t('device.last_avail_idx')}
            />
            <Field
              name="shadow_avail_idx"
              label="shadow_avail_idx"
              value={withheld.shadow_avail_idx ?? v.shadow_avail_idx}
              note={
                differenceNotes && withheld.shadow_avail_idx === undefined && v.shadow_avail_idx !== queue.avail.idx
                  ? t('device.shadowStale', { idx: queue.avail.idx })
                  : t('device.shadow_avail_idx')
              }
              attention={withheld.shadow_avail_idx === undefined && v.shadow_avail_idx !== queue.avail.idx}
            />
            <Field
              name="used_idx"
              label="used_idx"
              value={v.used_idx}
              note={
                differenceNotes && v.used_idx !== queue.used.idx
                  ? t('device.usedAhead', { idx: queue.used.idx })
                  : t('device.used_idx')
              }
              attention={v.used_idx !== queue.used.idx}
            />
            <Field name="inuse" label="inuse" value={v.inuse} note={t('device.inuse')} />
            <Field
              name="signalled_used"
              label="signalled_used"
              value={v.signalled_used}
              note={t('device.signalled_used')}
            />
          </dl>
          <ul className="vr-bools" aria-label={t('device.flagsLabel')}>
            {(['signalled_used_valid', 'notification', 'broken'] as const).map((k) =>
              k !== 'signalled_used_valid' && withheld[k] !== undefined ? (
                <li key={k} className="vr-bool vr-off vr-unknown">
                  <code>{k}</code> <span>{withheld[k]}</span>
                </li>
              ) : (
                <li
                  key={k}
                  className={`vr-bool ${v[k] ? 'vr-on' : 'vr-off'} ${k === 'broken' && v[k] ? 'vr-bad' : ''}`}
                >
                  <code>{k}</code> <span aria-hidden="true">{v[k] ? '✔' : '✘'}</span>
                  <span className="vr-sr">{v[k] ? t('common.true') : t('common.false')}</span>
                </li>
              ),
            )}
          </ul>
          {withheld.notification === undefined && (
            <p className="vr-note">{v.notification ? t('device.notifyOn') : t('device.notifyOff')}</p>
          )}
          <dl className="vr-vring">
            <div className="vr-field">
              <dt>
                <code>vring.num</code>
              </dt>
              <dd className="vr-value">{v.vring.num}</dd>
            </div>
            {(['desc', 'avail', 'used'] as const).map((k) => (
              <div key={k} className="vr-field">
                <dt>
                  <code>vring.{k}</code>
                </dt>
                <dd className="vr-value vr-mono">{hex(v.vring[k], 8)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
