import type { Lesson } from '../types';

/** 6. Out-of-order completion: used entries in another order than avail, and a free list that fragments. */
export const outOfOrder: Lesson = {
  id: 'out-of-order',
  scenario: { name: 'lesson-free-list', seed: 1 },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['free-list', 'desc-table'] },
    { id: 'submitted', target: { when: 'avail.idx == 6' }, highlight: ['avail-slots', 'free-list', 'num_free'] },
    {
      id: 'first-done',
      target: { run: 'completion' },
      highlight: ['used-slots', 'step'],
      question: { kind: 'number', answer: 'lastCompletedRequest' },
    },
    {
      id: 'free-head',
      target: { steps: 0 },
      highlight: ['free-list', 'free_head'],
      question: { kind: 'number', answer: 'freeHead' },
    },
    { id: 'more', target: { run: 'completion', times: 3 }, highlight: ['free-list', 'used-slots'] },
    { id: 'end', target: { run: 'end' }, highlight: ['free-list', 'num_free'] },
  ],
};
