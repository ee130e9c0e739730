import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshotFiles } from './parseFiles';
import { SAMPLES, sampleFiles, textFile } from './samples.testutil';

// The samples' capture, split the way someone saving QMP answers one per file would have them.
const capture = JSON.parse(readFileSync(`${SAMPLES}snap02_live_qmp.json`, 'utf8')) as {
  queue_status: unknown;
  queue_elements_by_avail_pos: Record<string, unknown>;
};
const status = textFile('status.json', JSON.stringify(capture.queue_status));
const element = textFile('element808.json', JSON.stringify(capture.queue_elements_by_avail_pos['808']));
const dumps = sampleFiles('snap02').filter((f) => f.name.endsWith('.bin'));

describe('the status file among several JSON files', () => {
  it('is the one holding a queue status, even when an element answer comes first', () => {
    const r = parseSnapshotFiles([element, status, ...dumps]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.statusFile).toBe('status.json');
    expect(r.value.status.last_avail_idx).toBe(968);
  });

  it('is the same when the status comes first', () => {
    const r = parseSnapshotFiles([status, element, ...dumps]);
    expect(r.ok && r.value.statusFile).toBe('status.json');
  });
});
