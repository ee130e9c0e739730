/** The lessons' views, one chunk loaded on first use (see lessonGate.ts). */
export { LessonPickerDialog } from './LessonPickerDialog';
export { LessonPlayerPanel } from './LessonPlayerPanel';
