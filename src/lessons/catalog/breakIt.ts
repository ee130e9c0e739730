import type { Lesson } from '../types';
import { DETECTOR_CHOICES } from './choices';

const who = { kind: 'choice' as const, choices: DETECTOR_CHOICES, answer: 'detector' as const };

/** 9. Break it: real bugs of real virtio implementations, injected, and who notices. */
export const breakIt: Lesson = {
  id: 'break-it',
  scenario: { name: 'bad-guest-missing-barrier' },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['step'] },
    { id: 'barrier-window', target: { when: 'avail.idx == 2' }, highlight: ['avail.idx', 'avail-slots'] },
    { id: 'barrier-stale', target: { event: 'popped', times: 2 }, highlight: ['avail-slots', 'last_avail_idx'] },
    { id: 'barrier-end', target: { run: 'end' }, highlight: ['used-slots', 'error-panel'], question: who },
    {
      id: 'lost-irq',
      scenario: { name: 'bad-guest-lost-interrupt' },
      target: { event: 'interrupt-lost' },
      highlight: ['notify', 'used.idx'],
    },
    {
      id: 'lost-irq-end',
      target: { run: 'end' },
      highlight: ['used.idx', 'last_used_idx', 'used_event'],
      question: who,
    },
    {
      id: 'no-wrap',
      scenario: { name: 'bad-guest-index-no-wrap' },
      target: { when: 'avail.idx == 3' },
      highlight: ['avail.idx', 'avail_idx_shadow'],
    },
    { id: 'no-wrap-end', target: { run: 'end' }, highlight: ['avail.idx', 'error-panel'], question: who },
    {
      id: 'leak',
      scenario: { name: 'bad-guest-leaked-descriptor' },
      target: { run: 'completion', times: 2 },
      highlight: ['num_free', 'free-list'],
    },
    { id: 'leak-end', target: { run: 'end' }, highlight: ['num_free', 'free-list'], question: who },
    {
      id: 'used-len',
      scenario: { name: 'bad-guest-wrong-used-len' },
      // The device's bad store (only used.len) is the third step after it publishes used.idx = 2.
      target: { when: 'used.idx == 2', then: 3 },
      highlight: ['used-slots'],
      question: { kind: 'number', answer: 'lastUsedLen' },
    },
    { id: 'used-len-end', target: { run: 'end' }, highlight: ['used-slots', 'counters'], question: who },
    {
      id: 'loop',
      scenario: { name: 'bad-guest-looped-chain' },
      target: { when: 'avail.idx == 2' },
      // Descriptor 5, the second chain's last, is the one whose next points at itself.
      highlight: ['desc:5', 'desc-table'],
    },
    { id: 'loop-end', target: { run: 'end' }, highlight: ['error-panel'], question: who },
  ],
};
