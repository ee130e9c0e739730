import { useTranslation } from 'react-i18next';
import type { ActorId } from '../../engine/step';

/** "vCPU 0 · guest (Linux)", "IOThread 1 · device (QEMU)", … in the current language. */
export function useActorName(): (actor: ActorId) => string {
  const { t } = useTranslation();
  return (actor) => {
    if (actor === 'irq') return t('actors.irq');
    const n = Number(actor.replace(/^\D+/, ''));
    return actor.startsWith('vcpu') ? t('actors.vcpu', { n }) : t('actors.iothread', { n });
  };
}
