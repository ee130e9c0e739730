import type { MachineCounters } from '../../engine/machine/machine';

export interface CounterSummary {
  requests: number;
  completed: number;
  inFlight: number;
  kicks: number;
  kicksSuppressed: number;
  interrupts: number;
  interruptsSuppressed: number;
  /** Kicks per submitted request; null before the first one. */
  kicksPerRequest: number | null;
  /** Interrupts per completed request; null before the first completion. */
  interruptsPerRequest: number | null;
}

/** The counters panel's numbers. Kicks are paid at submission and interrupts at completion, hence the divisors. */
export function summarizeCounters(c: MachineCounters): CounterSummary {
  return {
    requests: c.requests,
    completed: c.completed,
    inFlight: Math.max(0, c.requests - c.completed),
    kicks: c.kicks,
    kicksSuppressed: c.kicks_suppressed,
    interrupts: c.interrupts,
    interruptsSuppressed: c.interrupts_suppressed,
    kicksPerRequest: c.requests > 0 ? c.kicks / c.requests : null,
    interruptsPerRequest: c.completed > 0 ? c.interrupts / c.completed : null,
  };
}

/** Which machine counters each line of the summary is made from. */
const SOURCES: Record<keyof CounterSummary, readonly (keyof MachineCounters)[]> = {
  requests: ['requests'],
  completed: ['completed'],
  inFlight: ['requests', 'completed'],
  kicks: ['kicks'],
  kicksSuppressed: ['kicks_suppressed'],
  interrupts: ['interrupts'],
  interruptsSuppressed: ['interrupts_suppressed'],
  kicksPerRequest: ['kicks', 'requests'],
  interruptsPerRequest: ['interrupts', 'completed'],
};

/**
 * Whether a summary line can be shown while only `live` counters are current (a free-run in workers samples a
 * few); null means all are.
 */
export function isCurrent(key: keyof CounterSummary, live: readonly (keyof MachineCounters)[] | null): boolean {
  return live === null || SOURCES[key].every((c) => live.includes(c));
}
