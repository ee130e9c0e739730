import { readFileSync } from 'node:fs';
import type { ImportFile } from '../types';

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
