import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { importStore, type Imported } from './importStore';

/**
 * Tells screen readers that an import finished (a trace and how many events it holds, or a snapshot), and whether
 * only part of it could be read. Always on the page, so the region exists before its text changes (a live region
 * that arrives with its text is often not read). Switching between the simulation and an import says nothing.
 */
export function ImportAnnouncer() {
  const { t } = useTranslation('import');
  const [said, setSaid] = useState<Imported | null>(null);

  useEffect(() => {
    let last = importStore.getState().imported;
    return importStore.subscribe((s) => {
      if (s.imported === last) return;
      last = s.imported;
      if (s.imported) setSaid(s.imported);
    });
  }, []);

  let text = '';
  if (said?.kind === 'trace') text = t('announce.trace', { file: said.trace.file, count: said.trace.events.length });
  else if (said) text = t('announce.snapshot', { file: said.snapshot.statusFile });
  if (said?.kind === 'trace' && said.trace.startsMidRun) text += ` ${t('announce.midRun')}`;
  if (said?.problem) text += ` ${t('announce.partial')}`;
  return (
    <p className="sr-only" aria-live="polite" aria-atomic="true" data-testid="import-announcer">
      {text}
    </p>
  );
}
