import { describe, expect, it } from 'vitest';
import { pickActor, type PolicyState } from './policy';
import type { ActorId } from '../step';

const fresh = (): PolicyState => ({ last: null, lastGuest: null, lastDevice: null, prng: 7 });
const all: ActorId[] = ['irq', 'iothread0', 'vcpu0'];

describe('pickActor', () => {
  it('guest-first and device-first prefer their side', () => {
    expect(pickActor('guest-first', all, fresh())).toBe('irq');
    expect(pickActor('guest-first', ['iothread0'], fresh())).toBe('iothread0');
    expect(pickActor('device-first', all, fresh())).toBe('iothread0');
    expect(pickActor('device-first', ['vcpu0'], fresh())).toBe('vcpu0');
  });

  it('alternate switches sides when it can', () => {
    const s = fresh();
    const seq = [pickActor('alternate', all, s), pickActor('alternate', all, s), pickActor('alternate', all, s)];
    expect(seq).toEqual(['irq', 'iothread0', 'vcpu0']);
    expect(pickActor('alternate', ['vcpu0'], s)).toBe('vcpu0');
  });

  it('random is reproducible from its state', () => {
    const a = fresh();
    const b = fresh();
    const runA = Array.from({ length: 20 }, () => pickActor('random', all, a));
    const runB = Array.from({ length: 20 }, () => pickActor('random', all, b));
    expect(runA).toEqual(runB);
    expect(new Set(runA).size).toBeGreaterThan(1);
  });

  it('refuses an empty choice', () => {
    expect(() => pickActor('alternate', [], fresh())).toThrow(/nothing is runnable/);
  });
});
