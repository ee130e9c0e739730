import { useStore } from 'zustand';
import { LESSONS } from '../../lessons/catalog';
import i18n from '../i18n';
import { lessonPlaceProblems, type LessonPlace, type ShareProblem } from '../share/urlCodec';
import { actions, simStore } from '../store';
import { lessonPlaceStore } from './lessonGate';
import { createLessonStore, placeOf, type LessonStore } from './lessonStore';

/** The app's lesson player state; it drives the app's one simulation store. */
export const lessonStore = createLessonStore({ get: () => simStore.getState(), actions }, (key) =>
  i18n.t(key, { ns: 'lessons' }),
);

export function useLesson<T>(selector: (s: LessonStore) => T): T {
  return useStore(lessonStore, selector);
}

export const lessonActions = lessonStore.getState();

// The page's address carries where the lesson is; the sharing code reads it from the gate, without this chunk.
lessonStore.subscribe((s) => {
  const place = placeOf(s);
  const now = lessonPlaceStore.getState().place;
  if (place?.id !== now?.id || place?.stop !== now?.stop || place?.ask !== now?.ask)
    lessonPlaceStore.setState({ place });
});

/** What is wrong with a link's lesson (it names no lesson there is, or a stop the lesson does not have). */
export const lessonLinkProblems = (place: LessonPlace): ShareProblem[] => lessonPlaceProblems(place, LESSONS);

/** Opens the lesson a link names (checked with lessonLinkProblems); `move` takes the simulation to the stop too. */
export const openLessonLink = (place: LessonPlace, move: boolean): Promise<void> =>
  lessonActions.resume(place.id, place.stop - 1, place.ask, move);
