import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LESSONS } from '../../lessons/catalog';
import { lessonSummaryKey, lessonTitleKey } from '../../lessons/types';
import { lessonActions, useLesson } from '.';

/** The list of lessons, as a modal dialog. */
export function LessonPickerDialog() {
  const { t } = useTranslation('lessons');
  const open = useLesson((s) => s.pickerOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal?.();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="lesson-picker"
      aria-labelledby="lesson-picker-title"
      onClose={() => lessonActions.closePicker()}
    >
      <h2 id="lesson-picker-title">{t('ui.pick')}</h2>
      <ol className="lesson-list">
        {LESSONS.map((l) => (
          <li key={l.id}>
            <button
              type="button"
              className="lesson-pick"
              data-lesson={l.id}
              onClick={() => {
                lessonActions.closePicker();
                void lessonActions.start(l.id);
              }}
            >
              <span className="lesson-pick-title">{t(lessonTitleKey(l))}</span>
              <span className="lesson-pick-summary">{t(lessonSummaryKey(l))}</span>
              <span className="lesson-dim">{t('ui.lessonCount', { count: l.stops.length })}</span>
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => lessonActions.closePicker()}>
        {t('ui.closePicker')}
      </button>
    </dialog>
  );
}
