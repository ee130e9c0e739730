import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import i18n from '../i18n';
import type { LessonPlace } from '../share/urlCodec';

/**
 * Whether the lessons have been asked for. Until then none of them is loaded: the player, the picker, the catalog,
 * the planner (which runs the engine) and the 'lessons' texts are fetched the first time the Lessons button is used.
 */
const gate = createStore<{ wanted: boolean }>(() => ({ wanted: false }));

export const useLessonsWanted = (): boolean => useStore(gate, (s) => s.wanted);

/**
 * Where the open lesson is, for the page's address: kept by the lesson player once it is loaded (see index.ts), read
 * by the sharing code without loading the lessons. null: no lesson open.
 */
export const lessonPlaceStore = createStore<{ place: LessonPlace | null }>(() => ({ place: null }));

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

/** Closes the open lesson, if any; loads nothing when none is (a lesson is open only once the lessons are loaded). */
export async function closeLesson(): Promise<void> {
  if (lessonPlaceStore.getState().place === null) return;
  (await loadLessons()).lessonActions.close();
}
