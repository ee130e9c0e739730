import type { Lesson } from '../types';

/** 1. The guest knows it is virtual: requests go into shared memory and one kick stands for a trap per register. */
export const whyParavirt: Lesson = {
  id: 'why-paravirt',
  scenario: { name: 'lesson-paravirt' },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['desc-table', 'avail-ring', 'used-ring'] },
    { id: 'shared', target: { when: 'avail.idx == 1' }, highlight: ['desc-table', 'avail.idx'] },
    { id: 'kick', target: { run: 'kick' }, highlight: ['notify', 'counters'] },
    {
      id: 'batch',
      target: { run: 'end' },
      highlight: ['counters'],
      question: { kind: 'number', answer: 'kicks' },
    },
    {
      id: 'compare',
      target: { steps: 0 },
      highlight: ['counters'],
      compare: {
        kind: 'paravirt',
        mode: 'step',
        entries: [{ labelKey: 'compare.label.virtio', scenario: 'lesson-paravirt' }],
      },
    },
  ],
};
