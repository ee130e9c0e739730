/** True when any byte of [start, start+len) is in `changed`. */
export function anyChanged(changed: ReadonlySet<number>, start: number, len: number): boolean {
  if (changed.size === 0) return false;
  if (changed.size < len) {
    for (const a of changed) if (a >= start && a < start + len) return true;
    return false;
  }
  for (let a = start; a < start + len; a++) if (changed.has(a)) return true;
  return false;
}

const stamps = new WeakMap<ReadonlySet<number>, number>();
let nextStamp = 1;

/**
 * A number that is the same for the same `changed` set and new for each new one. Used as a React key so a flash
 * animation restarts on every step, even when the same row changes twice in a row.
 */
export function changeStamp(changed: ReadonlySet<number>): number {
  let s = stamps.get(changed);
  if (s === undefined) {
    s = nextStamp++;
    stamps.set(changed, s);
  }
  return s;
}
