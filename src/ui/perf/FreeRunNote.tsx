import { useTranslation } from 'react-i18next';
import { useSim } from '../store';

/** Says, while free-running, that the heavy panels are refreshed less often than the counters (see WorkerClient). */
export function FreeRunNote() {
  const { t } = useTranslation('perf');
  const freeRunning = useSim((s) => s.freeRunning);
  if (!freeRunning) return null;
  return (
    <p className="dim free-run-note" data-testid="free-run-note">
      {t('freeRunNote')}
    </p>
  );
}
