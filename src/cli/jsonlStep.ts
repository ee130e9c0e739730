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

/** One line of `run --format jsonl`: the step record as JSON, addresses in hex. */
export function jsonlStep(r: StepRecord): string {
  return JSON.stringify(r, replacer);
}
