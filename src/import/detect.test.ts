import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectImport, importFiles } from './detect';
import type { ImportFile } from './types';

import { QEMU_SAMPLES } from '../testing/samples';

const SAMPLES = QEMU_SAMPLES;
const sample = (name: string): ImportFile => ({ name, bytes: new Uint8Array(readFileSync(`${SAMPLES}/${name}`)) });
const textFile = (name: string, text: string): ImportFile => ({ name, bytes: new TextEncoder().encode(text) });
const snap00 = () =>
  ['snap00_live_qmp.json', 'snap00_live_desc.bin', 'snap00_live_avail.bin', 'snap00_live_used.bin'].map(sample);

describe('detectImport', () => {
  it('sees a trace log in the sample trace, with or without the timestamp prefix', () => {
    expect(detectImport([sample('trace-default.log')]).kind).toBe('trace');
    expect(detectImport([textFile('t.txt', 'virtqueue_flush vq 0x1 count 1\n')]).kind).toBe('trace');
    // A trace of other events only is still a trace log (its parse then says it has no virtio events).
    expect(detectImport([textFile('t.log', '1@2.000003:vhost_commit Started: 1 Changed: 0\n')]).kind).toBe('trace');
  });

  it('sees a ring snapshot in the status JSON and the .bin dumps, or the HMP text', () => {
    expect(detectImport(snap00())).toMatchObject({ kind: 'snapshot' });
    expect(detectImport([sample('snap00_live_hmp.txt')]).kind).toBe('snapshot');
  });

  it('refuses unknown formats, empty and binary files, naming the file', () => {
    expect(detectImport([textFile('notes.md', '# hello\n')])).toMatchObject({
      kind: 'unknown',
      problem: { file: 'notes.md', line: 1, message: expect.stringMatching(/unknown format/) },
    });
    expect(detectImport([textFile('empty.log', '')])).toMatchObject({
      kind: 'unknown',
      problem: { file: 'empty.log', message: expect.stringMatching(/empty/) },
    });
    const binary = { name: 'image.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) };
    expect(detectImport([binary])).toMatchObject({ kind: 'unknown', problem: { file: 'image.png', byte: 0 } });
    expect(detectImport([])).toMatchObject({ kind: 'unknown' });
  });

  it('refuses two traces, or a trace mixed with a snapshot', () => {
    const t = sample('trace-default.log');
    expect(detectImport([t, { ...t, name: 'b.log' }])).toMatchObject({
      kind: 'unknown',
      problem: { file: 'b.log', message: expect.stringMatching(/one trace log at a time/) },
    });
    expect(detectImport([t, ...snap00()])).toMatchObject({
      kind: 'unknown',
      problem: { message: expect.stringMatching(/one at a time/) },
    });
  });
});

describe('importFiles', () => {
  it('parses a trace', () => {
    const out = importFiles([sample('trace-default.log')]);
    expect(out.kind).toBe('trace');
    if (out.kind === 'trace' && out.result.ok) expect(out.result.value.queues[0]!.pops).toBe(457);
    else throw new Error('trace did not parse');
  });

  it('hands a snapshot to the snapshot importer', () => {
    const out = importFiles(snap00());
    expect(out.kind).toBe('snapshot');
    if (out.kind === 'snapshot' && out.result.ok) expect(out.result.value.status.last_avail_idx).toBe(456);
    else throw new Error('snapshot did not parse');
  });
});
