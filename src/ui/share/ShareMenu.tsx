import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { simStore, useSim } from '../store';
import { ShareNotice } from './ShareNotice';
import { showNotice, useShare, whileBusy } from './shareStore';
import { currentLink } from './urlSync';
import { useDiagramSvg } from './useDiagramSvg';
import type { RunProblem } from '../../engine/share/runFile';
import './share.css';

// Run files (their schema and replay) and the file download are loaded the first time they are used.
const runTransfer = () => import('./runTransfer');
const downloads = () => import('./download');

const fileProblems = (problems: RunProblem[]) => problems.map((p) => ({ where: p.path, text: p.message }));

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The embed snippet for the run on screen: the diagram and playback controls in an iframe. */
export async function embedCode(): Promise<string> {
  const link = await currentLink(simStore, { embed: true, from: null, to: null, autoplay: false, loop: false });
  return `<iframe src="${link.replace(/"/g, '&quot;')}" width="960" height="640" style="border:0" title="virtio visualizer" allow="cross-origin-isolated"></iframe>`;
}

function MenuItem(props: { label: string; disabled: boolean; onClick: () => void }) {
  return (
    <li>
      <button type="button" disabled={props.disabled} onClick={props.onClick}>
        {props.label}
      </button>
    </li>
  );
}

/** Share menu: copy a link (or embed code), export or import a run, export the diagram as SVG or PNG. */
export function ShareMenu() {
  const { t } = useTranslation('share');
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  /** Closes the menu; focus inside it goes back to the Share button rather than to <body> with the hidden panel. */
  const close = () => {
    if (rootRef.current?.contains(document.activeElement)) buttonRef.current?.focus();
    setOpen(false);
  };
  const loaded = useSim((s) => s.sim !== null);
  const afterFreeRun = useSim((s) => s.sim?.origin === 'free-run');
  const working = useShare((s) => s.busy);
  const progress = useShare((s) => s.progress);
  const diagram = useDiagramSvg();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      if (rootRef.current?.contains(document.activeElement)) buttonRef.current?.focus();
      setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const copyLink = async (embed: boolean) => {
    // A free-run cannot be replayed: the link leaves the step out and opens the scenario from the start. Say so.
    const fromStart = simStore.getState().sim?.origin === 'free-run';
    const text = embed ? await embedCode() : await currentLink(simStore);
    const ok = await copy(text);
    const title = `notice.${embed ? 'embedCopied' : 'linkCopied'}${fromStart ? 'FromStart' : ''}`;
    showNotice(
      ok
        ? { kind: fromStart ? 'warning' : 'done', title, problems: [] }
        : { kind: 'error', title: 'notice.copyFailed', problems: [{ where: 'link', text }] },
    );
  };

  const onExportRun = () =>
    whileBusy(async (progress) => {
      const [{ exportRun, runFileName }, { download }] = await Promise.all([runTransfer(), downloads()]);
      const result = await exportRun(simStore, progress);
      if (!result.ok) {
        showNotice({ kind: 'error', title: 'notice.exportFailed', problems: fileProblems(result.problems) });
        return;
      }
      const name = runFileName(result.value);
      download(new Blob([JSON.stringify(result.value, null, 1)], { type: 'application/json' }), name);
      showNotice({ kind: 'done', title: 'notice.exported', params: { file: name }, problems: [] });
    });

  const onImportFile = async (file: File) => {
    const text = await file.text();
    const result = await whileBusy(async (progress) => (await runTransfer()).importRun(simStore, text, progress));
    showNotice(
      result.ok
        ? { kind: 'done', title: 'notice.imported', params: { step: result.value.step }, problems: [] }
        : { kind: 'error', title: 'notice.badFile', problems: fileProblems(result.problems) },
    );
  };

  const chooseFile = () => fileRef.current?.click();

  const diagramName = () => {
    const s = simStore.getState();
    return `${s.scenario?.name ?? s.scenarioName}-vq${s.queueIndex}-step${s.sim?.view.step ?? 0}`;
  };

  const onSvg = async () => {
    const name = diagramName();
    const [svg, { download }] = await Promise.all([diagram(), downloads()]);
    if (svg) download(new Blob([svg], { type: 'image/svg+xml' }), `${name}.svg`);
  };

  const onPng = async () => {
    const name = diagramName();
    const [svg, { download, svgToPng }] = await Promise.all([diagram(), downloads()]);
    if (!svg) return;
    try {
      download(await svgToPng(svg, 2), `${name}.png`);
    } catch (e) {
      showNotice({
        kind: 'error',
        title: 'notice.exportFailed',
        problems: [{ where: 'png', text: (e as Error).message }],
      });
    }
  };

  const off = !loaded || working;
  const run = (action: () => unknown) => {
    close();
    void action();
  };

  return (
    <div className="share-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('menuLabel')}
        onClick={() => setOpen(!open)}
      >
        {working
          ? progress === null
            ? t('busy')
            : t('busyProgress', { percent: Math.floor(progress * 100) })
          : t('menu')}
      </button>
      <div id={panelId} className="share-panel" hidden={!open}>
        <ul>
          <MenuItem label={t('copyLink')} disabled={off} onClick={() => run(() => copyLink(false))} />
          <MenuItem label={t('copyEmbed')} disabled={off} onClick={() => run(() => copyLink(true))} />
          <MenuItem label={t('exportRun')} disabled={off || afterFreeRun} onClick={() => run(onExportRun)} />
          <MenuItem label={t('importRun')} disabled={off} onClick={() => run(chooseFile)} />
          <MenuItem label={t('exportSvg')} disabled={off} onClick={() => run(onSvg)} />
          <MenuItem label={t('exportPng')} disabled={off} onClick={() => run(onPng)} />
        </ul>
        {afterFreeRun && <p className="share-hint">{t('afterFreeRun')}</p>}
      </div>
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        className="sr-only"
        tabIndex={-1}
        aria-label={t('importRun')}
        data-testid="import-run-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void onImportFile(file);
        }}
      />
      <ShareNotice />
    </div>
  );
}
