import type { Lesson } from '../types';

const COMPARE = {
  kind: 'notify' as const,
  mode: 'step' as const,
  entries: [
    { labelKey: 'compare.label.flags', scenario: 'lesson-event-idx-flags' },
    { labelKey: 'compare.label.eventIdx', scenario: 'lesson-event-idx' },
  ],
};

/** 5. Notification suppression: the NO_NOTIFY / NO_INTERRUPT flags, then EVENT_IDX and vring_need_event. */
export const notify: Lesson = {
  id: 'notify',
  scenario: { name: 'lesson-event-idx-flags' },
  stops: [
    { id: 'intro', target: { start: true }, highlight: ['avail.flags', 'used.flags'] },
    { id: 'no-notify', target: { when: 'used.flags == 1' }, highlight: ['used.flags', 'device'] },
    { id: 'no-interrupt', target: { when: 'avail.flags == 1' }, highlight: ['avail.flags', 'driver'] },
    {
      id: 'flags-end',
      target: { run: 'end' },
      highlight: ['counters'],
      question: { kind: 'number', answer: 'interrupts' },
    },
    {
      id: 'event-idx',
      scenario: { name: 'lesson-event-idx' },
      target: { start: true },
      highlight: ['used_event', 'avail_event'],
    },
    { id: 'avail-event', target: { when: 'avail_event > 0' }, highlight: ['avail_event', 'last_avail_idx'] },
    // signalled_used_valid first: it, not used_event, decides this interrupt.
    {
      id: 'first-irq',
      target: { run: 'interrupt' },
      highlight: ['signalled_used_valid', 'notify', 'used.idx'],
    },
    {
      id: 'suppressed',
      target: { event: 'interrupt-suppressed' },
      highlight: ['used_event', 'notify', 'signalled_used'],
    },
    { id: 'used-event', target: { when: 'used_event > 0' }, highlight: ['used_event', 'last_used_idx'] },
    {
      id: 'event-end',
      target: { run: 'end' },
      highlight: ['counters'],
      question: { kind: 'number', answer: 'interrupts' },
    },
    { id: 'compare', target: { steps: 0 }, highlight: ['counters'], compare: COMPARE },
  ],
};
