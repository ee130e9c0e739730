import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { download } from '../../share/download';
import { useSim } from '../../store';
import { exportSimulationArchive } from './fromSimulation';

/**
 * "Export ring snapshot": the simulation's current queue as a real VM's snapshot would be saved — a status JSON
 * in x-query-virtio-queue-status form, the desc/avail/used areas and each outstanding indirect table — in one
 * .zip download (one file, where separate downloads would be hundreds with many indirect tables in flight).
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
    setSaving(true);
    try {
      const r = await exportSimulationArchive(sim.view, sim.memory, queueIndex);
      if (!r.ok) return setStatus(t('export.failed', { message: r.message }));
      download(new Blob([r.bytes as BlobPart], { type: 'application/zip' }), r.name);
      setStatus(t('export.done', { count: r.count, name: r.name }));
    } catch (e) {
      // The zip code is fetched on the first export; a dropped connection is said, not thrown.
      setStatus(t('export.failed', { message: String(e) }));
    } finally {
      setSaving(false);
    }
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
