import { lazy, Suspense, useEffect, useLayoutEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MemoryView, RequestsTable, StructuresView, Timeline } from './components';
import { StepPanel } from './code/StepPanel';
import { Controls } from './layout/Controls';
import { Header } from './layout/Header';
import { ImportStatus } from './import/ImportStatus';
import { useImport } from './import/importStore';
import { HelpDialog } from './layout/HelpDialog';
import { LessonPicker } from './lessons/LessonPicker';
import { LessonPlayer } from './lessons/LessonPlayer';
import { useKeyboard } from './layout/useKeyboard';
import { LoadingNote } from './lazy/LoadingNote';
import { Counters } from './panels/Counters';
import { ErrorPanel } from './panels/ErrorPanel';
import { IsolationNotice } from './panels/IsolationNotice';
import { QueueBoard } from './panels/QueueBoard';
import { openFromUrl, startUrlSync } from './share/urlSync';
import { actions, simStore, useSim } from './store';
import { useRunLength } from './store/runLength';

/** Imported real-VM data: its view (and the importers) load when first needed. */
const ImportView = lazy(() => import('./import/ImportView').then((m) => ({ default: m.ImportView })));

/** StrictMode runs effects twice in development; the first scenario should load once. */
let started = false;

function Lower() {
  const presenter = useSim((s) => s.presenter);
  const sim = useSim((s) => s.sim);
  const changed = useSim((s) => s.changed);
  const queueIndex = useSim((s) => s.queueIndex);
  const complete = useRunLength() !== null;
  if (!sim) return null;
  const queue = sim.view.queues[queueIndex];
  return (
    <div className="lower">
      <div className="lower-main">
        <StepPanel />
        <Counters />
      </div>
      <Timeline timeline={sim.timeline} step={sim.view.step} onJump={(k) => void actions.jump(k)} complete={complete} />
      {!presenter && (
        <div className="lower-detail">
          <RequestsTable requests={sim.view.requests} />
          <MemoryView memory={sim.memory} regions={sim.view.regions} changed={changed} />
          {queue && <StructuresView queue={queue} />}
        </div>
      )}
    </div>
  );
}

export function App() {
  const { t } = useTranslation();
  const [help, setHelp] = useState(false);
  const presenter = useSim((s) => s.presenter);
  // Imported real-VM data replaces the simulation on screen; the simulation's state is left as it is.
  const importing = useImport((s) => s.view === 'import');

  useEffect(() => {
    if (started) return;
    started = true;
    // The address may hold a shared run (#s=…&seed=…&step=…); it then follows the page as the user moves.
    if (simStore.getState().sim === null) void openFromUrl(simStore).then(({ href }) => startUrlSync(simStore, href));
  }, []);

  const commands = useMemo(
    () => ({
      step: () => void actions.step(),
      back: () => void actions.back(),
      togglePlay: () => void actions.togglePlay(),
      help: () => setHelp(true),
    }),
    [],
  );
  useKeyboard(commands);

  // The components size their type in rem, so presenter mode scales the root font (before the next paint, so the
  // Presenter button can keep the scroll position in its next frame).
  useLayoutEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
  }, [presenter]);

  return (
    <div className={presenter ? 'app presenter' : 'app'}>
      <a className="skip-link" href="#main">
        {t('skip')}
      </a>
      <Header onHelp={() => setHelp(true)} />
      {!importing && <Controls />}
      <main id="main" tabIndex={-1}>
        <ImportStatus />
        {importing && (
          <Suspense fallback={<LoadingNote />}>
            <ImportView />
          </Suspense>
        )}
        {!importing && <ErrorPanel />}
        {!importing && <QueueBoard />}
        {!importing && <Lower />}
        <footer className="app-footer">
          <IsolationNotice />
          <p className="dim">{t('footer')}</p>
        </footer>
      </main>
      <HelpDialog open={help} onClose={() => setHelp(false)} />
      <LessonPicker />
      <LessonPlayer />
    </div>
  );
}
