/** A vertical extent inside a scroll box, in the box's content coordinates. */
export interface Span {
  top: number;
  bottom: number;
}

/**
 * Where a scroll box (now at `scrollTop`, `viewport` high) should scroll to show what matters: the first group of
 * spans whose extent fits the box (groups go from everything wanted to the one thing that matters most), moved as
 * little as possible; the last group's top when none fits. Null when it is already shown, or nothing is wanted.
 */
export function scrollToShow(groups: readonly (readonly Span[])[], scrollTop: number, viewport: number): number | null {
  const wanted = groups.filter((g) => g.length > 0);
  if (wanted.length === 0 || viewport <= 0) return null;
  const extent = (g: readonly Span[]) => ({
    top: Math.min(...g.map((s) => s.top)),
    bottom: Math.max(...g.map((s) => s.bottom)),
  });
  const fitting = wanted.map(extent).find((e) => e.bottom - e.top <= viewport);
  if (!fitting) {
    const top = extent(wanted[wanted.length - 1]!).top;
    return Math.abs(top - scrollTop) < 1 ? null : top;
  }
  if (fitting.top >= scrollTop - 0.5 && fitting.bottom <= scrollTop + viewport + 0.5) return null;
  return fitting.top < scrollTop ? fitting.top : fitting.bottom - viewport;
}
