import { describe, expect, it } from 'vitest';
import i18n from '../i18n';
import { loadLessons, openLessonPicker } from './lessonGate';

describe('the lessons, loaded on first use', () => {
  it('opening the picker loads the player’s store and the lessons’ texts, once', async () => {
    expect(i18n.hasResourceBundle('en', 'lessons')).toBe(false);
    await openLessonPicker();
    const lessons = await loadLessons();
    expect(lessons.lessonStore.getState().pickerOpen).toBe(true);
    expect(i18n.t('lessons:ui.pick')).toBe('Choose a lesson');
    expect(await loadLessons()).toBe(lessons);
  });
});
