import { useEffect, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { importActions, useImport } from './importStore';
import './import.css';

/**
 * The header's Import control: a file picker (several files for a snapshot), and the whole page as a drop
 * target. When something was imported, a second button switches between it and the simulation.
 */
export function ImportControl() {
  const { t } = useTranslation('import');
  const view = useImport((s) => s.view);
  const hasImport = useImport((s) => s.imported !== null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) void importActions.importFiles(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = ''; // the same file can be picked again
    if (files.length) void importActions.importFiles(files);
  };

  return (
    <>
      <label className="imp-pick" title={t('control.hint')}>
        <span aria-hidden="true">{t('control.button')}</span>
        <input type="file" multiple className="sr-only" aria-label={t('control.label')} onChange={pick} />
      </label>
      {hasImport && (
        <button
          type="button"
          className="imp-switch"
          // An action, not a toggle: its label says where it goes, so it is never shown pressed (it sat pressed
          // beside the view's own "Back to the simulation"). data-showing lets the header's layout follow the view.
          data-showing={view}
          onClick={() => (view === 'import' ? importActions.showSimulation() : importActions.showImport())}
        >
          {view === 'import' ? t('control.toSimulation') : t('control.toImport')}
        </button>
      )}
      {dragging && (
        <div className="imp-drop" aria-hidden="true">
          <p>{t('control.drop')}</p>
        </div>
      )}
    </>
  );
}
