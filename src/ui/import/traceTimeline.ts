import type { TimelineData } from '../../engine/client/types';
import { EV } from '../../import/trace/events';
import type { TraceHistory } from '../../import/trace/history';

/**
 * The trace's events in the simulation's timeline shape (positions are event numbers), for one queue or all (-1):
 * kicks, interrupts, completions, and errors (a request completed with a status other than OK, or an I/O that
 * failed). Suppressed notifications leave no trace line, so that lane stays empty.
 */
export function traceTimeline(h: TraceHistory, queue: number): TimelineData {
  const kicks: number[] = [];
  const interrupts: number[] = [];
  const completions: number[] = [];
  const errors: number[] = [];
  const { kind, value, length } = h.events;
  for (let i = 0; i < length; i++) {
    if (queue >= 0 && h.events.queue[i] !== queue) continue;
    switch (kind[i]) {
      case EV.virtio_queue_notify:
        kicks.push(i);
        break;
      case EV.virtio_notify_irqfd:
      case EV.virtio_notify:
        interrupts.push(i);
        break;
      case EV.virtio_blk_req_complete:
        completions.push(i);
        if (value[i] !== 0) errors.push(i);
        break;
      case EV.virtio_blk_rw_complete:
        if (value[i] !== 0) errors.push(i);
        break;
    }
  }
  return { length: Math.max(0, length - 1), kicks, interrupts, completions, errors, suppressed: [] };
}
