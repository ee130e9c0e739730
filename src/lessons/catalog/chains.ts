import type { Lesson } from '../types';

/** 3. A request is a chain: header, data, status; what the device may write; what used.len counts. */
export const chains: Lesson = {
  id: 'chains',
  scenario: { name: 'single-read' },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['desc-table'] },
    {
      id: 'chain',
      target: { when: 'avail.idx == 1' },
      highlight: ['desc:0', 'desc:1', 'desc:2'],
      question: { kind: 'number', answer: 'newestChainLength' },
    },
    { id: 'header', target: { steps: 0 }, highlight: ['desc:0'] },
    {
      id: 'writable',
      target: { fn: 'virtio_blk_rw_complete', then: 1 },
      highlight: ['desc:1', 'desc:2', 'step'],
      question: {
        kind: 'choice',
        choices: [{ value: 0 }, { value: 1 }, { value: 2 }],
        answer: 'newestDataDesc',
      },
    },
    {
      id: 'used-len',
      target: { when: 'used.idx == 1' },
      highlight: ['used-slots', 'used.idx'],
      question: { kind: 'number', answer: 'lastUsedLen' },
    },
    {
      id: 'write-len',
      scenario: { name: 'write-batch-event-idx' },
      target: { when: 'used.idx == 1' },
      highlight: ['used-slot:0', 'desc:1'],
      question: { kind: 'number', answer: 'lastUsedLen' },
    },
  ],
};
