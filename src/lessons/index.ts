export { ANSWERS, DETECTOR, answerOf, type AnswerName } from './answers';
export { LESSONS, lessonById } from './catalog';
export {
  HIGHLIGHT_NAMES,
  highlightLabelKey,
  parseHighlight,
  type HighlightId,
  type HighlightName,
  type ParsedHighlight,
} from './highlights';
export { LessonPlanError, planLesson, type PlanOptions } from './plan';
export { TEXT_PARAMS, textParams, type TextParam } from './textParams';
export * from './types';
