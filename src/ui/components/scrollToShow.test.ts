import { describe, expect, it } from 'vitest';
import { scrollToShow, type Span } from './scrollToShow';

const span = (top: number, bottom: number): Span => ({ top, bottom });

describe('scrollToShow', () => {
  it('does nothing when what is wanted is already in the box, or nothing is wanted', () => {
    expect(scrollToShow([[span(100, 160), span(200, 260)]], 50, 300)).toBeNull();
    expect(scrollToShow([[], []], 0, 300)).toBeNull();
    expect(scrollToShow([[span(0, 10)]], 0, 0)).toBeNull();
  });

  it('moves as little as possible: a line below the box ends at its bottom, one above starts at its top', () => {
    expect(scrollToShow([[span(600, 660)]], 0, 300)).toBe(360);
    expect(scrollToShow([[span(100, 160)]], 400, 300)).toBe(100);
  });

  it('shows every index together when they fit, else the newest entry with its index, else the newest entry', () => {
    const newest = span(700, 760);
    const at = span(760, 820);
    const far = span(0, 60);
    // All three span 820 px: too tall for a 300 px box; the newest entry and its index fit.
    expect(scrollToShow([[far, newest, at], [newest, at], [newest]], 0, 300)).toBe(520);
    // A ring that wrapped: the index at slot 0, the newest entry at the last line.
    expect(scrollToShow([[far, span(900, 960)], [span(900, 960), far], [span(900, 960)]], 0, 300)).toBe(660);
  });

  it('shows the top of the last group when even that is taller than the box', () => {
    expect(scrollToShow([[span(100, 900)]], 0, 300)).toBe(100);
    expect(scrollToShow([[span(100, 900)]], 100, 300)).toBeNull();
  });
});
