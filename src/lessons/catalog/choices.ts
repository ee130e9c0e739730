import { DETECTOR } from '../answers';
import type { ChoiceOption } from '../types';

/** Slot numbers 0 … n−1 as choices (their labels are the numbers). */
export const slotChoices = (n: number): ChoiceOption[] => Array.from({ length: n }, (_, value) => ({ value }));

/** Device, driver or nobody: who notices a bug. */
export const DETECTOR_CHOICES: ChoiceOption[] = [
  { value: DETECTOR.device, labelKey: 'choice.device' },
  { value: DETECTOR.driver, labelKey: 'choice.driver' },
  { value: DETECTOR.nobody, labelKey: 'choice.nobody' },
];
