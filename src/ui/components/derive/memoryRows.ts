import type { Region } from '../../../virtio/allocationMap';

export const LINE_BYTES = 16;

/** One row of the hex view: a region's label, 16 bytes of memory, or a run of unallocated memory skipped over. */
export type MemRow =
  | { type: 'region'; region: Region; index: number }
  | { type: 'line'; addr: number }
  | { type: 'gap'; start: number; bytes: number };

const lineOf = (addr: number): number => addr - (addr % LINE_BYTES);

/**
 * The rows of a hex view that shows only allocated memory: every 16-byte line that holds a byte of some region,
 * each region's label just before the line it starts in, and one row for each stretch of lines with no region.
 */
export function memoryRows(regions: readonly Region[], memorySize: number): MemRow[] {
  const sorted = regions.map((region, index) => ({ region, index })).sort((a, b) => a.region.start - b.region.start);
  const rows: MemRow[] = [];
  let nextLine = 0;
  let prevEnd = 0;
  for (const { region, index } of sorted) {
    const first = lineOf(region.start);
    const last = lineOf(region.start + region.size - 1);
    if (first > nextLine) {
      // Whole lines with nothing allocated: say how much unused memory lies between the two regions.
      rows.push({ type: 'gap', start: prevEnd, bytes: region.start - prevEnd });
      nextLine = first;
    }
    rows.push({ type: 'region', region, index });
    for (let line = Math.max(first, nextLine); line <= last; line += LINE_BYTES)
      rows.push({ type: 'line', addr: line });
    // A region that starts in a line already drawn is labelled after it; its bytes are in that line.
    nextLine = Math.max(nextLine, last + LINE_BYTES);
    prevEnd = Math.max(prevEnd, region.start + region.size);
  }
  if (memorySize > nextLine) rows.push({ type: 'gap', start: prevEnd, bytes: memorySize - prevEnd });
  return rows;
}

/** The region holding `addr` in a list sorted by start (the allocation map keeps it so), if any. */
export function regionIndexAt(regions: readonly Region[], addr: number): number {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = regions[mid]!;
    if (addr < r.start) hi = mid - 1;
    else if (addr >= r.start + r.size) lo = mid + 1;
    else return mid;
  }
  return -1;
}
