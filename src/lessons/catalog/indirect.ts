import type { Lesson } from '../types';

/** 7. Indirect descriptors: one ring slot for a whole scatter-gather list. */
export const indirect: Lesson = {
  id: 'indirect',
  scenario: { name: 'indirect' },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['desc-table', 'num_free'] },
    {
      id: 'one-slot',
      target: { when: 'avail.idx == 1' },
      highlight: ['desc:0', 'num_free'],
      question: { kind: 'number', answer: 'newestChainLength' },
    },
    {
      id: 'table',
      target: { steps: 0 },
      highlight: ['indirect-table'],
      question: { kind: 'number', answer: 'newestIndirectEntries' },
    },
    {
      id: 'many',
      target: { when: 'avail.idx == 8' },
      highlight: ['avail-slots', 'num_free', 'desc-table'],
      question: { kind: 'number', answer: 'numFree' },
    },
    { id: 'end', target: { run: 'end' }, highlight: ['free-list', 'counters'] },
  ],
};
