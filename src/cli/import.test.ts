import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '../import/trace/summary';
import { cliHarness } from './testing/cliHarness';

import { QEMU_SAMPLES, TRACE_DEFAULT_QUEUE0 } from '../testing/samples';

const SAMPLES = QEMU_SAMPLES;
const { dir, cli } = cliHarness('virtio-viz-import-');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('virtio-viz import --format summary', () => {
  it('prints what the sample trace says, per queue', () => {
    const r = cli('import', `${SAMPLES}/trace-default.log`, '--format', 'summary');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as TraceSummary;
    expect(s).toMatchObject({ kind: 'qemu-trace', file: 'trace-default.log', linesRead: 3832, linesIgnored: 0 });
    expect(s.queues[0]).toMatchObject(TRACE_DEFAULT_QUEUE0);
    expect(s.queues[0]!.maxInFlight).toBeGreaterThan(0);
  });

  it('summary is the default format', () => {
    const r = cli('import', `${SAMPLES}/trace-default.log`);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as TraceSummary).queues[0]!.pops).toBe(457);
  });

  it('prints a snapshot through the snapshot importer', () => {
    const names = ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map((n) => `${SAMPLES}/snap00_live_${n}`);
    const r = cli('import', ...names);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'ring-snapshot', device: { last_avail_idx: 456 } });
  });

  it('an unknown format: file and line on stderr, exit 2', () => {
    const r = cli('import', file('notes.txt', 'just some notes\n'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^virtio-viz: notes\.txt:1: unknown format/);
  });

  it('a trace that contradicts itself: the partial summary, then file:line on stderr, exit 2', () => {
    const lines = readFileSync(`${SAMPLES}/trace-default.log`, 'utf8').split('\n').slice(0, 40);
    lines.push('17998@1795614896.999999:virtqueue_flush vq 0x561c1b8dca70 count 1');
    const r = cli('import', file('bad.log', lines.join('\n') + '\n'));
    expect(r.code).toBe(2);
    const s = JSON.parse(r.out) as TraceSummary;
    expect(s.partial?.problem).toMatchObject({ file: 'bad.log', line: 41 });
    expect(s.linesRead).toBe(40);
    expect(r.err).toMatch(/bad\.log:41: virtqueue_flush: count 1 with nothing filled/);
  });

  it('a trace that starts mid-run (cut with tail): imports, and says what it cannot know', () => {
    const lines = readFileSync(`${SAMPLES}/trace-default.log`, 'utf8').trimEnd().split('\n').slice(1499);
    const r = cli('import', file('mid.log', lines.join('\n') + '\n'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as TraceSummary;
    expect(s).toMatchObject({ linesRead: lines.length, events: lines.length, startsMidRun: true });
    expect(s.notKnown.length).toBeGreaterThan(0);
    expect(s.queues[0]).toMatchObject({ stateKnown: true, beforeTrace: { requests: 1, unnamedElements: 0 } });
  });

  it('a cut that ends before a request’s fill: the request is counted on no known queue, not dropped', () => {
    // tail -n +1500 | head -n 3: a write's handle, I/O completion and req_complete; its fill (naming the vq) is cut.
    const lines = readFileSync(`${SAMPLES}/trace-default.log`, 'utf8').split('\n').slice(1499, 1502);
    const r = cli('import', file('nofill.log', lines.join('\n') + '\n'));
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as TraceSummary;
    expect(s.queues).toEqual([]);
    expect(s.requestsOnNoQueue).toEqual({
      requests: 1,
      reads: 0,
      writes: 1,
      completions: { VIRTIO_BLK_S_OK: 1 },
      held: 1,
    });
  });

  it('a missing file', () => {
    const r = cli('import', join(dir, 'nope.log'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .*nope\.log/);
  });

  it('refuses another --format', () => {
    expect(cli('import', `${SAMPLES}/trace-default.log`, '--format', 'jsonl').code).toBe(2);
  });
});
