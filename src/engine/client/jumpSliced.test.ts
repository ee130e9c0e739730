import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import { Session } from '../session';
import { jumpSliced } from './localClient';

const soak = builtinScenario('random-soak')!;

describe('jumpSliced', () => {
  it('a jump past the furthest step hands the thread back between slices, and lands where a plain jump does', async () => {
    const s = new Session(soak, 1);
    const seen: number[] = [];
    const watch = setInterval(() => seen.push(s.step), 0);
    await jumpSliced(s, 9000);
    clearInterval(watch);
    expect(s.step).toBe(9000);
    // Other tasks ran while it went, and saw it part way.
    expect(seen.some((step) => step > 0 && step < 9000)).toBe(true);
    const plain = new Session(soak, 1);
    plain.jump(9000);
    expect(s.current).toEqual(plain.current);
    expect(s.machine.saveStateJSON()).toBe(plain.machine.saveStateJSON());
  });

  it('within the run so far, and past its end, it goes where Session.jump goes', async () => {
    const s = new Session(builtinScenario('single-read')!, 1);
    const end = new Session(builtinScenario('single-read')!, 1);
    end.jump(1_000_000);
    await jumpSliced(s, 1_000_000);
    expect(s.step).toBe(end.step);
    await jumpSliced(s, 7);
    expect(s.step).toBe(7);
  });
});
