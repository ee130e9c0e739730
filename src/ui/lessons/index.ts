import { useStore } from 'zustand';
import i18n from '../i18n';
import { actions, simStore } from '../store';
import { createLessonStore, type LessonStore } from './lessonStore';

/** The app's lesson player state; it drives the app's one simulation store. */
export const lessonStore = createLessonStore({ get: () => simStore.getState(), actions }, (key) =>
  i18n.t(key, { ns: 'lessons' }),
);

export function useLesson<T>(selector: (s: LessonStore) => T): T {
  return useStore(lessonStore, selector);
}

export const lessonActions = lessonStore.getState();
