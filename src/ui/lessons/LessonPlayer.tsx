import { lazy, Suspense } from 'react';
import { useLessonsWanted } from './lessonGate';

const LessonPlayerPanel = lazy(() => import('./LessonsUi').then((m) => ({ default: m.LessonPlayerPanel })));

/**
 * The lesson being followed, docked at the window's bottom. A lesson starts from the picker, so the panel's code is
 * already loading (or in) by then; until the lessons are asked for, nothing is loaded.
 */
export function LessonPlayer() {
  const wanted = useLessonsWanted();
  if (!wanted) return null;
  return (
    <Suspense fallback={null}>
      <LessonPlayerPanel />
    </Suspense>
  );
}
