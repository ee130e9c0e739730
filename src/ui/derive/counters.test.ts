import { describe, expect, it } from 'vitest';
import { zeroCounters } from '../../engine/machine/machineState';
import { isCurrent, summarizeCounters } from './counters';

const zero = zeroCounters();

describe('summarizeCounters', () => {
  it('has no ratios before the first request', () => {
    const s = summarizeCounters(zero);
    expect(s.kicksPerRequest).toBeNull();
    expect(s.interruptsPerRequest).toBeNull();
    expect(s.inFlight).toBe(0);
  });

  it('divides kicks by submitted and interrupts by completed requests', () => {
    const s = summarizeCounters({ ...zero, requests: 16, completed: 8, kicks: 4, interrupts: 2, kicks_suppressed: 12 });
    expect(s.inFlight).toBe(8);
    expect(s.kicksPerRequest).toBe(0.25);
    expect(s.interruptsPerRequest).toBe(0.25);
    expect(s.kicksSuppressed).toBe(12);
  });
});

describe('isCurrent', () => {
  it('is true for every line when all counters are exact', () => {
    expect(isCurrent('inFlight', null)).toBe(true);
    expect(isCurrent('kicksPerRequest', null)).toBe(true);
  });

  it('is true only for lines made of live counters while a free-run samples a few', () => {
    const live = ['kicks', 'interrupts', 'completed'] as const;
    expect(isCurrent('kicks', live)).toBe(true);
    expect(isCurrent('interruptsPerRequest', live)).toBe(true);
    expect(isCurrent('requests', live)).toBe(false);
    expect(isCurrent('inFlight', live)).toBe(false);
    expect(isCurrent('kicksPerRequest', live)).toBe(false);
    expect(isCurrent('kicksSuppressed', live)).toBe(false);
  });
});
