import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_NAMES } from '../../lessons/highlights';
import { bestScroll, highlightCss, pickExtents, resolveHighlights } from './highlight';
import { HIGHLIGHT_SELECTORS, selectorOf } from './targets';

describe('highlights', () => {
  it('has a selector for every name, and for indexed descriptors and slots', () => {
    for (const name of HIGHLIGHT_NAMES) expect(HIGHLIGHT_SELECTORS[name], name).toMatch(/\S/);
    expect(selectorOf({ indexed: 'desc', index: 2 })).toBe('.vr-desc tr[data-desc="2"]');
    expect(selectorOf({ indexed: 'avail-slot', index: 0 })).toContain('li:nth-child(1)');
    expect(selectorOf({ indexed: 'used-slot', index: 3 })).toContain('li:nth-child(4)');
  });

  it('drops unknown ids and outlines the rest with one rule, still under reduced motion', () => {
    const resolved = resolveHighlights(['avail.idx', 'desc:1', 'nonsense' as never]);
    expect(resolved.map((h) => h.id)).toEqual(['avail.idx', 'desc:1']);
    const css = highlightCss(resolved);
    expect(css).toContain('outline: 4px solid');
    expect(css).toContain('prefers-reduced-motion');
    expect(highlightCss([])).toBe('');
  });
});

describe('bestScroll', () => {
  const e = (top: number, bottom: number, width = 100) => ({ top, bottom, area: (bottom - top) * width });

  it('centres all the marked elements when they fit together, and stays when they are all in view', () => {
    expect(bestScroll([e(1000, 1100), e(1200, 1300)], 0, 500)).toBe(1000 - 100);
    expect(bestScroll([e(1000, 1100), e(1200, 1300)], 950, 500)).toBeNull();
  });

  it('shows the largest area of elements whole when they do not fit', () => {
    // A field high in one column, an index and a ring's slots lower in another: the three span 730 px, 580 free.
    const shadow = e(490, 540, 265);
    const idx = e(680, 780, 140);
    const slots = e(1020, 1220, 292);
    const at = bestScroll([idx, slots, shadow], 0, 580)!;
    expect(at).toBe(680 - (580 - (1220 - 680)) / 2);
    expect(idx.top >= at && slots.bottom <= at + 580).toBe(true);
  });

  it('shows the first element (what the stop is about), with the largest area of the others that fits', () => {
    // The slots a question asks about, listed first; avail.idx high in the ring; avail_idx_shadow in the driver's
    // column: 587 px free, not room for all three.
    const idx = e(707, 836, 137);
    const slots = e(1182, 1493, 283);
    const shadow = e(478, 538, 259);
    const at = bestScroll([slots, idx, shadow], 363, 587)!;
    expect(slots.top >= at && slots.bottom <= at + 587).toBe(true);
    // A small descriptor row first, the big step panel far below it: the row is shown, not the bigger panel.
    const row = e(900, 940, 40);
    const panel = e(2400, 2800, 400);
    const at2 = bestScroll([row, panel], 0, 587)!;
    expect(row.top >= at2 && row.bottom <= at2 + 587).toBe(true);
  });

  it('shows, when only the first fits, as much of the others as it can beside it', () => {
    // avail.idx (130 px), the ring's slots 470 px under it (240 px): 626 px free, not room for both.
    const idx = e(1000, 1130, 140);
    const slots = e(1600, 1840, 290);
    const at = bestScroll([idx, slots], 870, 626)!;
    expect(at).toBe(1000);
    // Not scrolled again once there.
    expect(bestScroll([idx, slots], at, 626)).toBeNull();
  });

  it('shows the top of a first element taller than the free part, not a smaller one elsewhere', () => {
    // The driver's panel (760 px) first, the step panel (400 px) far below it; 611 px free.
    const driver = e(300, 1060, 290);
    const step = e(1800, 2200, 800);
    expect(bestScroll([driver, step], 1700, 611)).toBe(300);
    // Already filling the free part with it: stay.
    expect(bestScroll([driver, step], 350, 611)).toBeNull();
    // A field inside it, near its bottom: scrolled just enough to show the field whole.
    const field = e(1000, 1050, 250);
    expect(bestScroll([driver, field], 0, 611)).toBe(1050 - 611);
  });

  it('puts the top of an element taller than the window first, and does nothing without elements', () => {
    expect(bestScroll([e(2000, 3000)], 0, 500)).toBe(2000);
    expect(bestScroll([], 0, 500)).toBeNull();
  });
});

describe('pickExtents', () => {
  const e = (top: number, bottom: number) => ({ top, bottom, area: (bottom - top) * 100 });
  const view = { top: 0, bottom: 600 };

  it('takes, of a value shown twice, the copy nearer the rest of what the stop marks', () => {
    // last_avail_idx in the device's panel (high) and in the avail ring's copy, beside avail.idx (low).
    const panelField = e(300, 360);
    const ringCopy = e(2100, 2200);
    const availIdx = e(2100, 2230);
    expect(pickExtents([[availIdx], [panelField, ringCopy]], view)).toEqual([availIdx, ringCopy]);
    expect(pickExtents([[panelField, ringCopy], [availIdx]], view)).toEqual([ringCopy, availIdx]);
    // Beside the free list, the panel's field.
    const freeList = e(700, 800);
    expect(pickExtents([[panelField, ringCopy], [freeList]], view)).toEqual([panelField, freeList]);
  });

  it('takes, alone, the copy nearest the view, and leaves out what is not on screen', () => {
    expect(pickExtents([[e(300, 360), e(2100, 2200)]], { top: 1900, bottom: 2500 })).toEqual([e(2100, 2200)]);
    expect(pickExtents([[], [e(10, 20)]], view)).toEqual([e(10, 20)]);
    expect(pickExtents([[]], view)).toEqual([]);
  });
});
