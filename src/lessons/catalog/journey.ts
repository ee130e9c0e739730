import type { Lesson } from '../types';
import { slotChoices } from './choices';

/** 2. One read() from the block layer to the disk image and back, function by function. */
export const journey: Lesson = {
  id: 'journey',
  scenario: { name: 'lesson-one-read' },
  stops: [
    // The driver first: the narration is about virtio_blk receiving the request.
    { id: 'queue-rq', target: { start: true }, highlight: ['driver', 'step'] },
    { id: 'outhdr', target: { steps: 1 }, highlight: ['step'] },
    { id: 'add-sgs', target: { fn: 'virtqueue_add_desc_split' }, highlight: ['desc:0', 'step'] },
    {
      id: 'publish',
      target: { when: 'avail.idx == 1' },
      // The slots first: the question asks which one the head goes in.
      highlight: ['avail-slots', 'avail.idx', 'avail_idx_shadow'],
      question: { kind: 'choice', choices: slotChoices(8), answer: 'slotLastPublished' },
    },
    { id: 'kick', target: { run: 'kick' }, highlight: ['notify', 'num_added'] },
    {
      id: 'pop',
      target: { event: 'popped' },
      highlight: ['last_avail_idx', 'avail-slots'],
      question: { kind: 'choice', choices: slotChoices(8), answer: 'slotDeviceRead' },
    },
    { id: 'disk', target: { event: 'io-submitted' }, highlight: ['step', 'device'] },
    {
      id: 'push',
      target: { when: 'used.idx == 1' },
      // The slots first: the element the device just filled is what the stop shows.
      highlight: ['used-slots', 'used.idx'],
      question: { kind: 'number', answer: 'lastUsedLen' },
    },
    { id: 'interrupt', target: { run: 'interrupt' }, highlight: ['notify'] },
    { id: 'done', target: { event: 'completed' }, highlight: ['last_used_idx', 'free-list', 'num_free'] },
  ],
};
