import type { StepRecord } from '../../engine/step';

/** Every guest byte address the step wrote (a write of n bytes at a covers a … a+n-1), for highlighting. */
export function changedAddresses(record: StepRecord | null): Set<number> {
  const out = new Set<number>();
  if (!record) return out;
  for (const w of record.writes) {
    const len = w.new.length / 2;
    for (let i = 0; i < len; i++) out.add(w.addr + i);
  }
  return out;
}
