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
