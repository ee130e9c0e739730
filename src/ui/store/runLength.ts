import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { nextRunLength } from '../derive/runLength';
import { simStore } from './index';
import type { SimStore } from './store';

export interface RunLength {
  /** The run's length in steps once its end has been reached; null until then. */
  length: number | null;
}

/** Follows a simulation store's states and keeps the run's length once known (see nextRunLength). */
export function trackRunLength(store: StoreApi<SimStore>): StoreApi<RunLength> {
  const out = createStore<RunLength>()(() => ({ length: nextRunLength(null, null, store.getState().sim) }));
  store.subscribe((s, prev) => {
    if (s.sim === prev.sim) return;
    const length = nextRunLength(out.getState().length, prev.sim, s.sim);
    if (length !== out.getState().length) out.setState({ length });
  });
  return out;
}

const runLengthStore = trackRunLength(simStore);

/** The app's run length, known once the end has been reached. */
export const useRunLength = (): number | null => useStore(runLengthStore, (s) => s.length);
