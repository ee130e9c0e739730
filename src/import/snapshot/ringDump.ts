import type { ImportFile, ImportProblem } from '../types';
import type { RingDumpSlice, SnapshotArea } from './types';

const AREA_ORDER: readonly SnapshotArea[] = ['desc', 'avail', 'used'];

const AREA_NAME: Record<SnapshotArea, string> = {
  desc: 'descriptor table',
  avail: 'avail ring',
  used: 'used ring',
};

const hex = (n: number) => `0x${n.toString(16)}`;
/** Guest-physical bytes [start, start + len), written the way QEMU's monitor writes addresses. */
export const gpaRange = (start: number, len: number) => `${hex(start)}..${hex(start + len - 1)}`;

/** Where each area lies in guest memory: the status's vring-* address and the size the queue size gives. */
export type AreaPlaces = Record<SnapshotArea, { gpa: number; bytes: number }>;

/** The one pmemsave that saves all three areas: from the lowest vring-* address to the end of the highest area. */
export function pmemsaveRingCommand(places: AreaPlaces): string {
  const start = Math.min(...AREA_ORDER.map((a) => places[a].gpa));
  const end = Math.max(...AREA_ORDER.map((a) => places[a].gpa + places[a].bytes));
  return `pmemsave ${hex(start)} ${end - start} ring_${hex(start)}.bin`;
}

export type RingDumpCut =
  | { kind: 'none' }
  | { kind: 'areas'; slice: RingDumpSlice; parts: Partial<Record<SnapshotArea, ImportFile>> }
  | { kind: 'problem'; problem: ImportProblem };

/**
 * A dump at guest-physical `at` that reaches into the ring's areas is cut into them, each as if pmemsave had saved
 * it alone (the bytes are views of the file's, not copies). An area the dump holds only part of is refused, naming
 * the area, both address ranges and the byte of the file where the area starts or the file ends. A dump that
 * touches no area is not a ring dump (`none`: an indirect table, say).
 */
export function cutRingDump(f: ImportFile, at: number, places: AreaPlaces): RingDumpCut {
  const len = f.bytes.length;
  const end = at + len;
  const parts: Partial<Record<SnapshotArea, ImportFile>> = {};
  const offsets: Partial<Record<SnapshotArea, number>> = {};
  let touched = false;
  for (const a of AREA_ORDER) {
    const { gpa, bytes } = places[a];
    if (gpa >= end || gpa + bytes <= at) continue;
    touched = true;
    if (gpa >= at && gpa + bytes <= end) {
      offsets[a] = gpa - at;
      parts[a] = { name: f.name, bytes: f.bytes.subarray(gpa - at, gpa - at + bytes) };
      continue;
    }
    const startsBefore = gpa < at;
    return {
      kind: 'problem',
      problem: {
        file: f.name,
        byte: startsBefore ? 0 : len,
        message:
          `${f.name} holds guest memory ${gpaRange(at, len)} (${len} bytes from ${hex(at)}), which has only part of ` +
          `the ${AREA_NAME[a]} at ${gpaRange(gpa, bytes)} (${bytes} bytes): ` +
          (startsBefore
            ? `it starts ${at - gpa} bytes into the area`
            : `the file ends ${gpa + bytes - end} bytes before the area does (at byte ${len} of the file)`) +
          `; save the whole ring with \`${pmemsaveRingCommand(places)}\`, or each area on its own`,
      },
    };
  }
  if (!touched) return { kind: 'none' };
  return { kind: 'areas', slice: { file: f.name, gpa: at, bytes: len, areas: offsets }, parts };
}

/** The problem for an area that a ring dump was given for but does not hold, and no other file does either. */
export function areaNotInDump(area: SnapshotArea, places: AreaPlaces, dump: RingDumpSlice): ImportProblem {
  const { gpa, bytes } = places[area];
  return {
    file: dump.file,
    message:
      `the ${AREA_NAME[area]} at ${gpaRange(gpa, bytes)} (vring-${area}, ${bytes} bytes) is not inside ${dump.file}, ` +
      `which holds ${gpaRange(dump.gpa, dump.bytes)}: add its own pmemsave dump, or save the whole ring with ` +
      `\`${pmemsaveRingCommand(places)}\``,
  };
}
