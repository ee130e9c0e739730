import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

/** One problem to show: what it is about (a link parameter or a file field) and what is wrong. */
export interface NoticeProblem {
  /** "step", "seed", "log.17.fn", "scenario.queue.size"… */
  where: string;
  /** A key of share:problem.* and its values, translated when shown; `text` (English) otherwise. */
  code?: string;
  values?: Record<string, string | number>;
  text: string;
}

export interface ShareNotice {
  /** 'warning': it worked, but not as one might expect (it stays until dismissed, like an error). */
  kind: 'error' | 'done' | 'warning';
  /** Key in the 'share' namespace for the heading. */
  title: string;
  /** Parameters of the heading. */
  params?: Record<string, string | number>;
  problems: NoticeProblem[];
}

interface ShareUi {
  notice: ShareNotice | null;
  /** An export or import in progress, or a link being checked (replaying a long run takes a moment). */
  busy: boolean;
  /** How much of that replay is done (0..1), once a worker reports it; null before. */
  progress: number | null;
}

/** The sharing feature's own UI state, kept out of the simulation store. */
export const shareStore = createStore<ShareUi>()(() => ({ notice: null, busy: false, progress: null }));

/** Runs `work` with the busy flag set; `work` reports how much of its replay is done. */
export async function whileBusy<T>(work: (progress: (fraction: number) => void) => Promise<T>): Promise<T> {
  shareStore.setState({ busy: true, progress: null });
  try {
    return await work((fraction) => shareStore.setState({ progress: fraction }));
  } finally {
    shareStore.setState({ busy: false, progress: null });
  }
}

export const useShare = <T>(selector: (s: ShareUi) => T): T => useStore(shareStore, selector);

export const showNotice = (notice: ShareNotice | null): void => shareStore.setState({ notice });
