import type { StepRecord } from '../engine/step';

const hex = (n: number | bigint) => `0x${n.toString(16)}`;

/**
 * A guest-physical address is written `0x…`, as the import summaries and the error messages write them: every
 * `addr` (a store's `writes[].addr`, a `segment-read` event's, an error's detail). Other big integers stay decimal
 * strings (JSON has no 64-bit integers). The run file (src/engine/share/runFile.ts)
 * keeps its own decimal `addr`: it is made from the records, not from these lines.
 */
const replacer = (key: string, v: unknown): unknown => {
  if (key === 'addr' && (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)))
    return hex(v);
  return typeof v === 'bigint' ? v.toString() : v;
};

/**
 * One line of `run --format jsonl`: the step record as JSON, addresses in hex, numbered as the viewer numbers its
 * steps: `step` N is the state after N steps (the record's 0-based `index` is N-1), so `"step":16` is Step 16 in the
 * viewer and `#step=16` in a link. The record's `index` is left out, so a line carries one step number only.
 */
export function jsonlStep(r: StepRecord): string {
  const { index, ...rest } = r;
  return JSON.stringify({ step: index + 1, ...rest }, replacer);
}
