import { readFileSync } from 'node:fs';
import type { ImportFile } from '../types';
import { parseSnapshotFiles } from './parseFiles';
import type { RingSnapshot } from './types';

import { QEMU_SAMPLES } from '../../testing/samples';

export const SAMPLES = `${QEMU_SAMPLES}/`;

/** The four files of a sample snapshot, `status` being 'qmp.json' or 'hmp.txt'. */
export function sampleFiles(snap: 'snap00' | 'snap02', status: 'qmp.json' | 'hmp.txt' = 'qmp.json'): ImportFile[] {
  return [status, 'desc.bin', 'avail.bin', 'used.bin'].map((n) => {
    const name = `${snap}_live_${n}`;
    return { name, bytes: new Uint8Array(readFileSync(SAMPLES + name)) };
  });
}

export const textFile = (name: string, text: string): ImportFile => ({ name, bytes: new TextEncoder().encode(text) });

/** snap02 with its dumps patched: `patch` gets the desc and avail bytes (little-endian views) to break. */
export function snap02With(patch: (desc: DataView, avail: DataView) => void): RingSnapshot {
  const files: ImportFile[] = sampleFiles('snap02').map((f) => ({ name: f.name, bytes: f.bytes.slice() }));
  const view = (part: string) => {
    const f = files.find((x) => x.name.endsWith(part))!;
    return new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  };
  patch(view('desc.bin'), view('avail.bin'));
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
}
