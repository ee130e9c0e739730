import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSim } from '../../store';
import { downloadFiles } from './downloadFiles';
import { exportSimulation } from './fromSimulation';

/**
 * "Export ring snapshot": the simulation's current queue as a real VM's snapshot would be saved — a status JSON
 * in x-query-virtio-queue-status form, the desc/avail/used areas and each outstanding indirect table — downloaded
 * as separate files.
 */
export function ExportSnapshotButton() {
  const { t } = useTranslation('snapshot');
  const sim = useSim((s) => s.sim);
  const queueIndex = useSim((s) => s.queueIndex);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const run = async () => {
    if (!sim) {
      setStatus(t('export.none'));
      return;
    }
    const r = exportSimulation(sim.view, sim.memory, queueIndex);
    if (!r.ok) {
      setStatus(t('export.failed', { message: r.message }));
      return;
    }
    setSaving(true);
    setStatus(t('export.saving', { count: r.files.length }));
    try {
      await downloadFiles(r.files);
    } finally {
      setSaving(false);
    }
    setStatus(t('export.done', { count: r.files.length }));
  };
  return (
    <span className="snap-export">
      <button
        type="button"
        onClick={() => void run()}
        disabled={!sim || saving}
        aria-label={t('export.label', { queue: queueIndex })}
        data-testid="export-ring-snapshot"
      >
        {t('export.button')}
      </button>
      {status && (
        <span className="vr-note" role="status">
          {status}
        </span>
      )}
    </span>
  );
}
