import {
  useEffect,
  useId,
  useRef,
  useState,
  type FocusEvent as ReactFocusEvent,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
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

/** Where a key moves focus among the panel's `count` items from `at` (-1: none focused), or null for other keys. */
export function itemFor(key: string, at: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return at < 0 ? 0 : (at + 1) % count;
    case 'ArrowUp':
      return at < 0 ? count - 1 : (at - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

const MOVE_KEYS = new Set(['ArrowDown', 'ArrowUp', 'Home', 'End']);

/** The items a key can move to: a disabled one is skipped (it cannot take focus). */
const enabledItems = (panel: HTMLElement | null): HTMLButtonElement[] =>
  Array.from(panel?.querySelectorAll<HTMLButtonElement>('li > button:enabled') ?? []);

/**
 * Share menu: copy a link (or embed code), export or import a run, export the diagram as SVG or PNG.
 * A disclosure (the button shows a list of buttons) with the keys of a menu: ↓/↑ go round the items (↓/↑ on the
 * button opens the list at its first/last item), Home/End, Esc closes it with focus back on the button, and
 * Tab moves on, closing the list once focus has left it. The page does not scroll on those keys meanwhile.
 */
export function ShareMenu() {
  const { t } = useTranslation('share');
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  /** The item to focus once the panel is shown (it is hidden until the next render). */
  const focusOnOpen = useRef<'first' | 'last' | null>(null);
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

  useEffect(() => {
    const which = focusOnOpen.current;
    focusOnOpen.current = null;
    if (!open || which === null) return;
    const list = enabledItems(panelRef.current);
    list[which === 'first' ? 0 : list.length - 1]?.focus();
  }, [open]);

  const onButtonKey = (e: ReactKeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const which = e.key === 'ArrowDown' ? 'first' : 'last';
    if (open) {
      const list = enabledItems(panelRef.current);
      list[which === 'first' ? 0 : list.length - 1]?.focus();
      return;
    }
    focusOnOpen.current = which;
    setOpen(true);
  };

  const onPanelKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey || !MOVE_KEYS.has(e.key)) return;
    // The page would scroll on these keys: inside the menu they move between its items.
    e.preventDefault();
    const list = enabledItems(panelRef.current);
    const next = itemFor(e.key, list.indexOf(document.activeElement as HTMLButtonElement), list.length);
    if (next !== null) list[next]!.focus();
  };

  /** Tab (or a click) took focus out of the menu: the list closes behind it. */
  const onBlur = (e: ReactFocusEvent<HTMLDivElement>) => {
    const to = e.relatedTarget as Node | null;
    if (open && to !== null && !rootRef.current?.contains(to)) setOpen(false);
  };

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
    <div className="share-menu" ref={rootRef} onBlur={onBlur}>
      <button
        ref={buttonRef}
        id={`${panelId}-button`}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('menuLabel')}
        onClick={() => setOpen(!open)}
        onKeyDown={onButtonKey}
      >
        {working
          ? progress === null
            ? t('busy')
            : t('busyProgress', { percent: Math.floor(progress * 100) })
          : t('menu')}
      </button>
      <div id={panelId} ref={panelRef} className="share-panel" hidden={!open} onKeyDown={onPanelKey}>
        <ul aria-labelledby={`${panelId}-button`}>
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
