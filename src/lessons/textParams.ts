import type { MachineView } from '../engine/view';

/** The numbers a stop's text may quote ({{kicks}} …), read from the state the stop shows. */
export function textParams(view: MachineView): Record<TextParam, number> {
  const c = view.counters;
  return { kicks: c.kicks, interrupts: c.interrupts, requests: c.requests, completed: c.completed };
}

export const TEXT_PARAMS = ['kicks', 'interrupts', 'requests', 'completed'] as const;
export type TextParam = (typeof TEXT_PARAMS)[number];
