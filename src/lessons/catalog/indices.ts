import type { Lesson } from '../types';
import { slotChoices } from './choices';

/** 4. Free-running indices: idx vs idx mod size, wrapping past 65535, full vs empty. */
export const indices: Lesson = {
  id: 'indices',
  scenario: { name: 'index-wrap' },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['avail.idx', 'used.idx', 'last_avail_idx'] },
    {
      id: 'first-slot',
      target: { when: 'avail.idx == 65531' },
      highlight: ['avail.idx', 'avail-slots'],
      question: { kind: 'choice', choices: slotChoices(4), answer: 'slotLastPublished' },
    },
    { id: 'top', target: { when: 'avail.idx == 65535' }, highlight: ['avail.idx', 'avail-slots'] },
    {
      id: 'wrap',
      target: { when: 'avail.idx == 0' },
      highlight: ['avail.idx', 'avail-slots', 'last_avail_idx'],
      question: { kind: 'number', answer: 'availIdx' },
    },
    {
      id: 'pending',
      target: { steps: 0 },
      highlight: ['avail.idx', 'last_avail_idx'],
      question: { kind: 'number', answer: 'pendingAvail' },
    },
    {
      id: 'full',
      target: { when: 'avail.idx == 2' },
      highlight: ['avail.idx', 'last_used_idx', 'num_free'],
      question: { kind: 'number', answer: 'inFlight' },
    },
    { id: 'used-wrap', target: { when: 'used.idx == 0' }, highlight: ['used.idx', 'used-slots', 'last_used_idx'] },
    { id: 'full-empty', target: { run: 'end' }, highlight: ['avail.idx', 'last_avail_idx', 'used.idx'] },
  ],
};
