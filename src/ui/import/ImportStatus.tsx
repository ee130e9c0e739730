import { useTranslation } from 'react-i18next';
import { BaseAddressField } from './BaseAddressField';
import { ImportAnnouncer } from './ImportAnnouncer';
import { importActions, useImport } from './importStore';
import { ProblemText } from './ProblemText';
import './import.css';

/** A parse in progress (with a way to stop it), or why the last import showed nothing; and, for screen readers, that one arrived. */
export function ImportStatus() {
  return (
    <>
      <ImportAnnouncer />
      <ImportProgressOrError />
    </>
  );
}

function ImportProgressOrError() {
  const { t } = useTranslation('import');
  const progress = useImport((s) => s.progress);
  const error = useImport((s) => s.error);
  const retry = useImport((s) => s.retry);
  if (!progress && !error) return null;
  if (progress) {
    const pct = progress.total ? Math.min(100, Math.round((progress.bytes / progress.total) * 100)) : 0;
    return (
      <div className="imp-status" role="status">
        <span>{t('status.reading', { file: progress.file, lines: progress.lines })}</span>
        <progress max={100} value={pct} aria-label={t('status.progress', { file: progress.file })}>
          {pct}%
        </progress>
        <span>{pct}%</span>
        <button type="button" onClick={importActions.cancel}>
          {t('status.cancel')}
        </button>
      </div>
    );
  }
  return (
    <>
      <div className="imp-status imp-error" role="alert" data-testid="import-error">
        <strong>{t('status.failed')}</strong> <ProblemText problem={error!} />{' '}
        <span className="vr-note">{t('status.untouched')}</span>
        <button type="button" onClick={importActions.dismissError}>
          {t('status.dismiss')}
        </button>
      </div>
      {retry && <BaseAddressField file={retry.file} />}
    </>
  );
}
