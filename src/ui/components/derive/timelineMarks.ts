/**
 * Where the timeline draws its marks, and where a click lands.
 *
 * A simulation's TimelineData lists indices into the step log: log[j] is the record of the (j+1)-th step, and the
 * UI's step N is the state after N records, so the event of log[j] is shown at step j+1 (the state that has it).
 * An imported trace's positions are already what its view selects (event numbers), so they are drawn as they are.
 */
export type TimelineUnit = 'step' | 'event';

/** The position on the timeline (and the step a click on its mark jumps to) of a TimelineData entry. */
export function markPosition(entry: number, unit: TimelineUnit): number {
  return unit === 'step' ? entry + 1 : entry;
}

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
  entries: readonly number[],
  unit: TimelineUnit,
  lo: number,
  hi: number,
  x: (position: number) => number,
): DrawnMark[] {
  const seen = new Set<number>();
  const out: DrawnMark[] = [];
  for (const e of entries) {
    const at = markPosition(e, unit);
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
