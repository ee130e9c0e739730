/**
 * Where the timeline draws its marks, and where a click lands. TimelineData already gives each event's position as
 * the step (or, for an imported trace, the event number) that shows it.
 */

export interface DrawnMark {
  /** Pixel column (rounded). */
  px: number;
  /** Where a click on the mark goes. */
  at: number;
}

/**
 * The marks of one lane between positions lo and hi, one per pixel column (the first position that falls on it), so
 * a long run draws each column once.
 */
export function laneMarks(
  positions: readonly number[],
  lo: number,
  hi: number,
  x: (position: number) => number,
): DrawnMark[] {
  const seen = new Set<number>();
  const out: DrawnMark[] = [];
  for (const at of positions) {
    if (at < lo || at > hi) continue;
    const px = Math.round(x(at));
    if (seen.has(px)) continue;
    seen.add(px);
    out.push({ px, at });
  }
  return out;
}

/**
 * Where a click at pixel column `px` goes: the nearest mark of the lane under the pointer when one is within `slop`
 * pixels (a mark is a few pixels wide, and in a long run a pixel column spans several steps, so rounding the pixel
 * alone could miss the marked step), else the nearest position to the pointer.
 */
export function clickTarget(px: number, marks: readonly DrawnMark[] | null, nearest: number, slop = 6): number {
  let best: DrawnMark | null = null;
  for (const m of marks ?? []) {
    const d = Math.abs(m.px - px);
    if (d <= slop && (best === null || d < Math.abs(best.px - px))) best = m;
  }
  return best ? best.at : nearest;
}
