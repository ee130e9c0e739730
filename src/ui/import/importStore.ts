import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { RingSnapshot } from '../../import/snapshot';
import type { TraceHistory } from '../../import/trace/history';
import type { ImportProblem } from '../../import/types';
import type { ParseHandle } from './parseTraceFile';

/** What was imported last; a failed import leaves it (and the simulation) as they were. */
export type Imported =
  | { kind: 'trace'; trace: TraceHistory; problem: ImportProblem | null }
  | { kind: 'snapshot'; snapshot: RingSnapshot; problem: ImportProblem | null };

export interface ImportProgress {
  file: string;
  bytes: number;
  total: number;
  lines: number;
}

export interface ImportData {
  /** Which main view the app shows. The simulation keeps running its own state meanwhile. */
  view: 'simulation' | 'import';
  imported: Imported | null;
  /** A parse in progress. */
  progress: ImportProgress | null;
  /** Why the last import showed nothing (the previous view stays). */
  error: ImportProblem | null;
  /** The trace event the view shows the state at. */
  selected: number;
  /** Index into the trace's queues. */
  queue: number;
  /**
   * When `error` can be got past by giving a memory dump's guest-physical address (ImportProblem.baseFor): the
   * files of that import, to run again with the address, and the dump's name.
   */
  retry: { files: readonly File[]; file: string } | null;
}

export interface ImportActions {
  /** `bases`: guest-physical addresses the user gave, by file name (ImportFile.gpa). */
  importFiles(files: readonly File[], bases?: Readonly<Record<string, number>>): Promise<void>;
  /** The last import again, with the address of the dump `retry` names; the error stays until it is read. */
  importWithBase(gpa: number): Promise<void>;
  cancel(): void;
  showSimulation(): void;
  showImport(): void;
  select(event: number): void;
  setQueue(queue: number): void;
  dismissError(): void;
}

export type ImportStore = ImportData & ImportActions;

export function createImportStore() {
  let running: ParseHandle | null = null;
  return createStore<ImportStore>()((set, get) => ({
    view: 'simulation',
    imported: null,
    progress: null,
    error: null,
    selected: 0,
    queue: 0,
    retry: null,

    async importFiles(files, bases) {
      running?.cancel();
      running = null;
      // A retry with an address keeps its error (and the field under it) on screen until the new outcome.
      if (!bases) set({ error: null, progress: null, retry: null });
      let mine: ParseHandle | null = null;
      try {
        const { runImport } = await import('./runImport');
        const r = await runImport(
          files,
          (handle, file) => {
            running = mine = handle;
            set({ progress: { file: file.name, bytes: 0, total: file.size, lines: 0 } });
          },
          (p, total) => {
            const file = get().progress?.file ?? '';
            if (running === mine) set({ progress: { file, bytes: p.bytes, total, lines: p.lines } });
          },
          bases,
        );
        if (mine !== null && running !== mine) return; // cancelled, or another import began
        running = null;
        if (!r.ok) {
          const file = r.problem?.baseFor;
          return set({ progress: null, error: r.problem, retry: file !== undefined ? { files, file } : null });
        }
        const trace = r.imported.kind === 'trace' ? r.imported.trace : null;
        set({
          progress: null,
          error: null,
          retry: null,
          imported: r.imported,
          view: 'import',
          ...(trace ? { selected: Math.max(0, trace.events.length - 1), queue: 0 } : {}),
        });
      } catch (e) {
        // Reading a file can fail (removed meanwhile, permissions): say so, keep everything else.
        set({
          progress: null,
          error: { file: files[0]?.name ?? '', message: `could not read: ${String(e)}` },
          retry: null,
        });
      }
    },
    async importWithBase(gpa) {
      const retry = get().retry;
      if (retry) await get().importFiles(retry.files, { [retry.file]: gpa });
    },
    cancel() {
      running?.cancel();
      running = null;
      set({ progress: null });
    },
    showSimulation: () => set({ view: 'simulation' }),
    showImport: () => {
      if (get().imported) set({ view: 'import' });
    },
    select: (event) => {
      const imp = get().imported;
      const n = imp?.kind === 'trace' ? imp.trace.events.length : 0;
      set({ selected: Math.max(0, Math.min(n - 1, Math.round(event))) });
    },
    setQueue: (queue) => set({ queue }),
    dismissError: () => set({ error: null, retry: null }),
  }));
}

export const importStore = createImportStore();
export const importActions: ImportActions = importStore.getState();
export function useImport<T>(selector: (s: ImportStore) => T): T {
  return useStore(importStore, selector);
}
