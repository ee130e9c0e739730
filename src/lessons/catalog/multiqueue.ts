import type { Lesson, Question } from '../types';

const COMPARE = {
  kind: 'iothreads' as const,
  mode: 'threads' as const,
  entries: [
    { labelKey: 'compare.label.oneIothread', scenario: 'lesson-multiqueue-shared' },
    { labelKey: 'compare.label.perQueue', scenario: 'lesson-multiqueue-per-queue' },
  ],
};

const WHICH_IOTHREAD: Question = {
  kind: 'choice',
  choices: [0, 1, 2, 3].map((value) => ({ value, labelKey: `choice.iothread${value}` })),
  answer: 'iothreadOfQueue',
  queue: 1,
};

/** 8. Multiqueue and IOThreads: four queues on one IOThread, then one IOThread per queue. */
export const multiqueue: Lesson = {
  id: 'multiqueue',
  scenario: { name: 'lesson-multiqueue-shared' },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['queue-picker', 'driver'] },
    { id: 'kick-vq1', target: { run: 'kick', times: 2 }, highlight: ['notify', 'queue-picker'] },
    // The step first: its actor names the IOThread the question asks about.
    { id: 'one-thread', target: { event: 'popped' }, highlight: ['step', 'device'], question: WHICH_IOTHREAD },
    { id: 'end-one', target: { run: 'end' }, highlight: ['counters'] },
    {
      id: 'per-queue',
      scenario: { name: 'lesson-multiqueue-per-queue' },
      target: { run: 'kick', times: 2 },
      highlight: ['queue-picker', 'notify'],
    },
    { id: 'vq1-thread', target: { event: 'popped' }, highlight: ['step', 'device'], question: WHICH_IOTHREAD },
    { id: 'compare', target: { run: 'end' }, highlight: ['counters'], compare: COMPARE },
  ],
};
