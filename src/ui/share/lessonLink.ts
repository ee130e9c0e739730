import { closeLesson, loadLessons } from '../lessons/lessonGate';
import type { LessonPlace, ShareProblem } from './urlCodec';

/**
 * What keeps a lesson place (from a link or a run file) from opening: an unknown lesson or stop, checked against
 * the lessons' catalog, which this loads. A failed load is a problem too, never a throw.
 */
export async function lessonProblems(place: LessonPlace): Promise<ShareProblem[]> {
  try {
    return (await loadLessons()).lessonLinkProblems(place);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return [
      {
        param: 'lesson',
        code: 'lessons-unavailable',
        values: { reason },
        message: `lesson: the lessons could not be loaded (${reason})`,
      },
    ];
  }
}

/**
 * Opens the lesson at a checked place (`move`: take the simulation to the stop as well), or, without one, closes
 * the lesson open on the page: what is opened replaces the whole page's state, lesson included.
 */
export async function followLesson(place: LessonPlace | undefined, move: boolean): Promise<void> {
  if (place) await (await loadLessons()).openLessonLink(place, move);
  else await closeLesson();
}
