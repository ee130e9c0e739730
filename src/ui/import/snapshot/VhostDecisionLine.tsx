import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { VhostDecision } from '../../../import/snapshot/types';

/**
 * Whether vhost runs the ring and what said so, in a few words: an x-query-virtio-status answer given with the
 * snapshot (`vhost-started`, or `vhost-dev` without it), or the queue status's missing `shadow-avail-idx`.
 */
export function vhostDecisionText(d: VhostDecision, t: TFunction<'snapshot'>): string {
  const value = t(d.vhost ? 'vhost.yes' : 'vhost.no');
  const by =
    d.by === 'missing-fields'
      ? t(d.inferred ? 'vhost.by.inferredVhost' : 'vhost.by.inferredNot')
      : t(`vhost.by.${d.by}`);
  return t('vhost.decided', { value, by });
}

/** The line under the device's fields; a second one when the queue status's own fields say otherwise. */
export function VhostDecisionLine({ decision }: { decision: VhostDecision }) {
  const { t } = useTranslation('snapshot');
  const outside = decision.vhost && decision.queueInVhostDev === false && decision.device?.vhost_dev;
  return (
    <div className="snap-vhost" data-testid="vhost-decision">
      <p className="vr-note">{vhostDecisionText(decision, t)}</p>
      {decision.by !== 'missing-fields' && decision.inferred !== decision.vhost && (
        <p className="vr-note" data-testid="vhost-decision-differs">
          {t(decision.inferred ? 'vhost.differsVhost' : 'vhost.differsNot')}
        </p>
      )}
      {outside && (
        <p className="vr-note" data-testid="vhost-decision-outside">
          {t('vhost.outside', {
            first: outside.vq_index,
            last: outside.vq_index + outside.nvqs - 1,
          })}
        </p>
      )}
    </div>
  );
}
