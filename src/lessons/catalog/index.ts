import type { Lesson } from '../types';
import { breakIt } from './breakIt';
import { chains } from './chains';
import { indices } from './indices';
import { indirect } from './indirect';
import { journey } from './journey';
import { multiqueue } from './multiqueue';
import { notify } from './notify';
import { outOfOrder } from './outOfOrder';
import { whyParavirt } from './whyParavirt';

/** The guided lessons, in teaching order. */
export const LESSONS: readonly Lesson[] = [
  whyParavirt,
  journey,
  chains,
  indices,
  notify,
  outOfOrder,
  indirect,
  multiqueue,
  breakIt,
];

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
