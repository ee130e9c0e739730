import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RingSnapshot } from '../../../import/snapshot';
import type { ImportProblem } from '../../../import/types';
import { importStore, type ImportStore } from '../importStore';

/** A snapshot with the problem that made it partial, if any: one side of a comparison. */
export interface PairSide {
  snapshot: RingSnapshot;
  problem: ImportProblem | null;
}

export interface PairData {
  /** B: the snapshot compared with the one the import view shows (A). */
  second: PairSide | null;
  /** Why the last file(s) for B showed nothing (A, B and the view stay as they were). */
  error: ImportProblem | null;
  /** Files for B being read. */
  loading: boolean;
}

export interface PairActions {
  /** Reads the files as B, with the same detection and located problems as an import; a trace is refused. */
  loadSecond(files: readonly File[]): Promise<void>;
  /** A becomes B and B becomes A. */
  swap(): void;
  /** A goes; B takes its place, alone. */
  clearFirst(): void;
  clearSecond(): void;
  dismissError(): void;
}

export type PairStore = PairData & PairActions;

/**
 * The second snapshot of a comparison. It lives beside the import store (which holds A, the imported snapshot
 * the view shows) and is loaded with the view, so the page's first download does not grow. A new import that is
 * not a snapshot ends the comparison; a new snapshot becomes A, compared with the same B.
 */
export function createPairStore(imports: StoreApi<ImportStore> = importStore) {
  let reading = 0;
  const store = createStore<PairStore>()((set, get) => ({
    second: null,
    error: null,
    loading: false,

    async loadSecond(files) {
      const mine = ++reading;
      set({ error: null, loading: true });
      try {
        const { readSnapshot } = await import('../runImport');
        const r = await readSnapshot(files);
        if (mine !== reading) return; // another load began meanwhile
        if (!r.ok) return set({ loading: false, error: r.problem });
        set({ loading: false, second: r.imported });
      } catch (e) {
        if (mine !== reading) return;
        // Reading a file can fail (removed meanwhile, permissions): say so, keep everything else.
        set({ loading: false, error: { file: files[0]?.name ?? '', message: `could not read: ${String(e)}` } });
      }
    },
    swap() {
      const first = imports.getState().imported;
      const second = get().second;
      if (first?.kind !== 'snapshot' || !second) return;
      set({ second: { snapshot: first.snapshot, problem: first.problem } });
      imports.setState({ imported: { kind: 'snapshot', ...second } });
    },
    clearFirst() {
      const second = get().second;
      if (!second) return;
      set({ second: null });
      imports.setState({ imported: { kind: 'snapshot', ...second } });
    },
    clearSecond: () => set({ second: null }),
    dismissError: () => set({ error: null }),
  }));
  imports.subscribe((s, prev) => {
    if (s.imported !== prev.imported && s.imported?.kind !== 'snapshot') {
      reading++;
      store.setState({ second: null, error: null, loading: false });
    }
  });
  return store;
}

export const pairStore = createPairStore();
export const pairActions: PairActions = pairStore.getState();
export function usePair<T>(selector: (s: PairStore) => T): T {
  return useStore(pairStore, selector);
}
