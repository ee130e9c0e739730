import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSim } from '../../store';
import { download } from '../../share/download';
import { exportSimulation } from './fromSimulation';

/**
 * "Export ring snapshot": the simulation's current queue as a real VM's snapshot would be saved — a status JSON
 * in x-query-virtio-queue-status form and the desc/avail/used areas — downloaded as four files.
 */
export function ExportSnapshotButton() {
  const { t } = useTranslation('snapshot');
  const sim = useSim((s) => s.sim);
  const queueIndex = useSim((s) => s.queueIndex);
  const [status, setStatus] = useState<string | null>(null);
  const run = () => {
    if (!sim) {
      setStatus(t('export.none'));
      return;
    }
    const r = exportSimulation(sim.view, sim.memory, queueIndex);
    if (!r.ok) {
      setStatus(t('export.failed', { message: r.message }));
      return;
    }
    for (const f of r.files) {
      const type = f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      download(new Blob([f.bytes as BlobPart], { type }), f.name);
    }
    setStatus(t('export.done', { count: r.files.length }));
  };
  return (
    <span className="snap-export">
      <button
        type="button"
        onClick={run}
        disabled={!sim}
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
