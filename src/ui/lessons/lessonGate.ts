import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import i18n from '../i18n';

/**
 * Whether the lessons have been asked for. Until then none of them is loaded: the player, the picker, the catalog,
 * the planner (which runs the engine) and the 'lessons' texts are fetched the first time the Lessons button is used.
 */
const gate = createStore<{ wanted: boolean }>(() => ({ wanted: false }));

export const useLessonsWanted = (): boolean => useStore(gate, (s) => s.wanted);

let loading: Promise<typeof import('./index')> | null = null;

/** The lesson player's store and its texts, loaded once; a failed fetch can be tried again. */
export function loadLessons(): Promise<typeof import('./index')> {
  gate.setState({ wanted: true });
  loading ??= Promise.all([import('./index'), i18n.loadNamespaces('lessons')]).then(
    ([m]) => m,
    (e: unknown) => {
      loading = null;
      gate.setState({ wanted: false });
      throw e;
    },
  );
  return loading;
}

/** Opens the list of lessons (loading them first if needed). */
export async function openLessonPicker(): Promise<void> {
  (await loadLessons()).lessonActions.openPicker();
}
