import type { ImportFile } from '../types';
import { sampleFiles } from './samples.testutil';

// The samples' rings: vring-desc 0x2986000 (4096 bytes), vring-avail 0x2987000 (518), vring-used 0x2987240 (2054).
export const SAMPLE_RING_GPA = 0x2986000;
const AVAIL_OFF = 0x1000;
const USED_OFF = 0x1240;

/**
 * What `pmemsave 0x2986000 6726 ring_0x2986000.bin` saves from a sample's VM: its three real dumps at their
 * offsets (the 58 bytes Linux leaves between the avail ring and the used ring, not captured, are 0xee), with the
 * status file beside it.
 */
export function wholeRingOf(snap: 'snap00' | 'snap02'): { status: ImportFile; bytes: Uint8Array } {
  const [status, desc, avail, used] = sampleFiles(snap) as [ImportFile, ImportFile, ImportFile, ImportFile];
  const bytes = new Uint8Array(USED_OFF + used.bytes.length).fill(0xee);
  bytes.set(desc.bytes, 0);
  bytes.set(avail.bytes, AVAIL_OFF);
  bytes.set(used.bytes, USED_OFF);
  return { status, bytes };
}
