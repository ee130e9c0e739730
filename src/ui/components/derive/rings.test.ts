import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyRelation, newestSlotHolding, ringWindow, slotOf } from './rings';

describe('ringWindow', () => {
  it('lists the entries between two indices with their slots', () => {
    expect(ringWindow(3, 6, 8)).toEqual({
      entries: [
        { idx: 3, slot: 3 },
        { idx: 4, slot: 4 },
        { idx: 5, slot: 5 },
      ],
      overflow: false,
      wraps: false,
    });
  });

  it('is empty when both indices are equal', () => {
    expect(ringWindow(65535, 65535, 4)).toEqual({ entries: [], overflow: false, wraps: false });
  });

  it('follows the 16-bit wrap: 65534, 65535, 0, 1', () => {
    const w = ringWindow(65534, 2, 4);
    expect(w.entries).toEqual([
      { idx: 65534, slot: 2 },
      { idx: 65535, slot: 3 },
      { idx: 0, slot: 0 },
      { idx: 1, slot: 1 },
    ]);
    expect(w.wraps).toBe(true);
  });

  it('caps a window wider than the ring and says so', () => {
    const w = ringWindow(0, 20, 8);
    expect(w.entries).toHaveLength(8);
    expect(w.overflow).toBe(true);
  });

  it('gives each slot at most once and every slot is idx mod size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 15 }),
        (from, to, p) => {
          const size = 1 << (p % 8);
          const w = ringWindow(from, to, size);
          const slots = w.entries.map((e) => e.slot);
          expect(new Set(slots).size).toBe(slots.length);
          for (const e of w.entries) expect(e.slot).toBe(slotOf(e.idx, size));
        },
      ),
    );
  });
});

describe('newestSlotHolding', () => {
  // A size-4 ring whose slots hold 7, 3, 7, 9; the window crosses the wrap: entries 65534, 65535, 0 (slots 2, 3, 0).
  const slots = [7, 3, 7, 9];
  const at = (slot: number) => slots[slot]!;
  const window = ringWindow(65534, 0 + 1, 4);

  it('finds the newest entry naming the value, not the first slot', () => {
    expect(window.entries.map((e) => e.slot)).toEqual([2, 3, 0]);
    expect(newestSlotHolding(window, at, 7)).toBe(0);
    expect(newestSlotHolding(window, at, 9)).toBe(3);
  });

  it('looks only inside the window', () => {
    expect(newestSlotHolding(window, at, 3)).toBe(-1);
    expect(newestSlotHolding(ringWindow(5, 5, 4), at, 7)).toBe(-1);
  });
});

describe('copyRelation', () => {
  it('tells equal, ahead and behind by at most a ring, and apart, across the 16-bit wrap', () => {
    expect(copyRelation(7, 7, 8)).toEqual({ kind: 'equal' });
    expect(copyRelation(9, 7, 8)).toEqual({ kind: 'ahead', count: 2 });
    expect(copyRelation(1, 65534, 8)).toEqual({ kind: 'ahead', count: 3 });
    expect(copyRelation(807, 808, 256)).toEqual({ kind: 'behind', count: 1 });
    expect(copyRelation(65535, 2, 8)).toEqual({ kind: 'behind', count: 3 });
    expect(copyRelation(100, 7, 8)).toEqual({ kind: 'apart' });
    expect(copyRelation(15, 7, 8)).toEqual({ kind: 'ahead', count: 8 });
  });
});
