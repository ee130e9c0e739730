import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_NAMES } from '../../lessons/highlights';
import { highlightCss, resolveHighlights } from './highlight';
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
