import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingNote } from '../lazy/LoadingNote';
import { openLessonPicker, useLessonsWanted } from './lessonGate';

const LessonPickerDialog = lazy(() => import('./LessonsUi').then((m) => ({ default: m.LessonPickerDialog })));

/** The list of lessons, as a modal dialog; nothing (and nothing loaded) until the Lessons button is first used. */
export function LessonPicker() {
  const wanted = useLessonsWanted();
  if (!wanted) return null;
  return (
    <Suspense fallback={<LoadingNote />}>
      <LessonPickerDialog />
    </Suspense>
  );
}

/** The header's button that opens the list. */
export function LessonsButton() {
  const { t } = useTranslation('app');
  return (
    <button type="button" className="lessons-button" onClick={() => void openLessonPicker()}>
      {t('views.lessons')}
    </button>
  );
}
