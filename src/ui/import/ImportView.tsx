import { useEffect, useRef, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { commandFor } from '../layout/useKeyboard';
import { SnapshotView } from './snapshot/SnapshotView';
import { importActions, importStore, useImport, type Imported } from './importStore';
import { TraceView } from './TraceView';
import './import.css';

/** Shown instead of the simulation while real-VM data is on screen; the simulation keeps its state meanwhile. */
export function ImportView() {
  const { t } = useTranslation('import');
  const imported = useImport((s) => s.imported);
  const heading = useRef<HTMLHeadingElement>(null);
  useTraceKeys();
  useFocusOnArrival(imported, heading);
  if (!imported) return null;
  const name = imported.kind === 'trace' ? imported.trace.file : imported.snapshot.statusFile;
  return (
    <section className="imp-view" aria-labelledby="imp-view-title">
      <div className="imp-view-head">
        <h2 id="imp-view-title" className="panel-title" tabIndex={-1} ref={heading}>
          {imported.kind === 'trace' ? t('view.traceTitle') : t('view.snapshotTitle')} <code>{name}</code>
        </h2>
        <p className="imp-real-note">{t('view.realNote')}</p>
        <button type="button" className="imp-back" onClick={backToSimulation}>
          {t('view.back')}
        </button>
      </div>
      {imported.kind === 'trace' ? (
        <TraceView trace={imported.trace} problem={imported.problem} />
      ) : (
        <SnapshotView snapshot={imported.snapshot} {...(imported.problem ? { problem: imported.problem } : {})} />
      )}
    </section>
  );
}

/** The import the view last took focus for: switching back to the same one leaves focus on the switch. */
let focusedFor: Imported | null = null;

/**
 * Whether focus may move to a newly imported view: it is nowhere (on <body>, where it lands when the control that
 * had it went away: the progress bar's Cancel, the simulation's controls), in the main area being replaced, or on
 * the Import picker. Focus the user has since put elsewhere (the header, a dialog) stays there.
 */
export function mayTakeFocus(active: Element | null): boolean {
  if (active === null || active === document.body || active === document.documentElement) return true;
  if (active.closest('dialog[open]')) return false;
  return active.closest('#main') !== null || active.closest('.imp-pick') !== null;
}

/** A new import moves focus to its view's heading (tabIndex -1), so the keyboard and screen reader start there. */
function useFocusOnArrival(imported: Imported | null, heading: RefObject<HTMLHeadingElement | null>) {
  useEffect(() => {
    if (!imported || imported === focusedFor) return;
    focusedFor = imported;
    if (mayTakeFocus(document.activeElement)) heading.current?.focus();
  }, [imported, heading]);
}

/** This view (and its button) go away: focus goes to the header's switch back to it, or to the page's main. */
function backToSimulation() {
  const target = document.querySelector<HTMLElement>('.imp-switch') ?? document.getElementById('main');
  target?.focus();
  importActions.showSimulation();
}

/** While a trace is shown, ← and → move through its events instead of stepping the hidden simulation. */
function useTraceKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const command = commandFor(e);
      if (command !== 'step' && command !== 'back' && command !== 'togglePlay') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      const s = importStore.getState();
      if (s.imported?.kind !== 'trace' || command === 'togglePlay') return;
      importActions.select(s.selected + (command === 'step' ? 1 : -1));
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
}
