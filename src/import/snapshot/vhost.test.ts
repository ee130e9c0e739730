import { describe, expect, it } from 'vitest';
import { importFiles } from '../detect';
import { compareSnapshots, NOT_REPORTED } from './compare';
import { looksLikeSnapshot } from './detect';
import { parseSnapshotFiles } from './parseFiles';
import { snapshotNotReported, snapshotQueueView, snapshotUndrawable } from './queueView';
import { sampleFiles, textFile } from './samples.testutil';
import { snapshotSummary } from './summary';
import type { RingSnapshot } from './types';
import { vhostFiles, vhostHmpText, vhostQmpText, type VhostCase } from './vhost.testutil';

const load = (files: ReturnType<typeof sampleFiles>): RingSnapshot => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(`${r.problem.file}:${r.problem.line}: ${r.problem.message}`);
  expect(r.partial).toBe(false);
  return r.value;
};
const real = (snap: 'snap00' | 'snap02') => load(sampleFiles(snap));

describe('a vhost device snapshot (fields QEMU leaves out)', () => {
  for (const status of ['qmp', 'hmp'] as const) {
    describe(`${status.toUpperCase()}`, () => {
      it('outside the vhost_dev: both fields absent, imported as null, never a number', () => {
        const s = load(vhostFiles('snap02', 'outside-vhost', status));
        expect(s.origin).toBe(status);
        expect(s.status).toMatchObject({ last_avail_idx: null, shadow_avail_idx: null, vhost: true, used_idx: 807 });
        expect(snapshotNotReported(s)).toEqual(['last_avail_idx', 'shadow_avail_idx']);
      });

      it('a vhost queue: no shadow-avail-idx, and last-avail-idx kept as QEMU wrote it (0)', () => {
        const s = load(vhostFiles('snap02', 'vhost-queue', status));
        expect(s.status).toMatchObject({ last_avail_idx: 0, shadow_avail_idx: null, vhost: true });
        expect(snapshotNotReported(s)).toEqual(['shadow_avail_idx']);
        // QEMU's 0 there is vhost_get_vring_base()'s return code: not drawn as a ring position.
        expect(snapshotUndrawable(s)).toEqual(['last_avail_idx', 'shadow_avail_idx']);
      });

      for (const c of ['outside-vhost', 'vhost-queue'] as VhostCase[]) {
        it(`${c}: the outstanding chains come from used.idx..avail.idx, as for the real sample; popped is unknown`, () => {
          const s = load(vhostFiles('snap02', c, status));
          const r = real('snap02');
          expect(s.outstanding.map((o) => [o.availPos, o.head, o.descs])).toEqual(
            r.outstanding.map((o) => [o.availPos, o.head, o.descs]),
          );
          expect(s.outstanding).toHaveLength(160);
          expect(s.outstanding.every((o) => o.popped === null)).toBe(true);
        });

        it(`${c}: no comparison that needs a missing field, and one note saying why`, () => {
          const s = load(vhostFiles('snap02', c, status));
          const kinds = s.disagreements.map((d) => d.kind);
          expect(kinds.filter((k) => k === 'not-reported')).toHaveLength(1);
          expect(kinds).not.toContain('shadow-avail-idx');
          expect(kinds).not.toContain('last-avail-idx');
          expect(kinds).not.toContain('inuse');
          // Fields QEMU left out of both status queries did not "change" between them.
          const changed = s.disagreements.filter((d) => d.kind === 'status-changed').map((d) => d.field);
          expect(changed).not.toContain('shadow-avail-idx');
          if (c === 'outside-vhost') expect(changed).not.toContain('last-avail-idx');
          const note = s.disagreements.find((d) => d.kind === 'not-reported')!;
          expect(note.message).toMatch(/^QEMU does not report .*shadow-avail-idx for a vhost device/);
          if (c === 'vhost-queue') expect(note.message).toContain("vhost_get_vring_base()'s return code");
          else expect(note.field).toBe('last-avail-idx, shadow-avail-idx');
          // The comparison that needs only used-idx still stands.
          expect(kinds).toContain('used-idx');
        });
      }
    });
  }

  it('the real samples are not vhost and say nothing about it', () => {
    for (const snap of ['snap00', 'snap02'] as const)
      for (const st of ['qmp.json', 'hmp.txt'] as const) {
        const s = load(sampleFiles(snap, st));
        expect(s.status.vhost).toBe(false);
        expect(s.disagreements.map((d) => d.kind)).not.toContain('not-reported');
        expect(snapshotUndrawable(s)).toEqual([]);
      }
    expect(real('snap02').outstanding.filter((o) => o.popped === true)).toHaveLength(160);
  });

  it('HMP: the element query of the head has no known avail position (QEMU shows it at its own last_avail_idx)', () => {
    const s = load(vhostFiles('snap02', 'outside-vhost', 'hmp'));
    expect(s.elements).toHaveLength(1);
    expect(s.elements[0]!.availPos).toBeNull();
    expect(load(sampleFiles('snap02', 'hmp.txt')).elements[0]!.availPos).toBe(968);
  });

  it('is recognised as a snapshot (QMP without last-avail-idx, HMP without last_avail_idx)', () => {
    const bareQmp = textFile(
      'status.json',
      JSON.stringify({ return: { 'signalled-used-valid': true, 'used-idx': 3, 'vring-num': 256 } }, null, 1),
    );
    expect(looksLikeSnapshot([bareQmp])).toBe(true);
    expect(looksLikeSnapshot([textFile('s.txt', vhostHmpText('snap02', 'outside-vhost'))])).toBe(true);
    for (const status of ['qmp', 'hmp'] as const)
      expect(importFiles(vhostFiles('snap00', 'outside-vhost', status)).kind).toBe('snapshot');
  });

  it('the view holds placeholders only where the UI is told the field is not reported', () => {
    const s = load(vhostFiles('snap02', 'outside-vhost'));
    const q = snapshotQueueView(s);
    expect(q.device).toMatchObject({ used_idx: 807, inuse: 161 });
    expect(snapshotNotReported(s)).toEqual(['last_avail_idx', 'shadow_avail_idx']);
  });

  it('compare: a field not reported is said so, and never subtracted', () => {
    const rows = compareSnapshots(real('snap02'), load(vhostFiles('snap02', 'outside-vhost')));
    const last = rows.find((r) => r.field === 'last_avail_idx')!;
    expect(last).toEqual({ field: 'last_avail_idx', left: '968', right: NOT_REPORTED, same: false, moved: null });
  });
});

describe('snapshotSummary of a vhost device', () => {
  it('null for the fields QEMU did not report, the vhost flag, and popped unknown', () => {
    const json = JSON.parse(JSON.stringify(snapshotSummary(load(vhostFiles('snap02', 'outside-vhost'))))) as {
      device: Record<string, unknown>;
      outstanding: { popped: unknown }[];
      disagreements: { kind: string; message: string }[];
    };
    expect(json.device).toMatchObject({
      last_avail_idx: null,
      shadow_avail_idx: null,
      vhost: true,
      not_reported: ['last-avail-idx', 'shadow-avail-idx'],
      used_idx: 807,
      inuse: 161,
    });
    expect(json.outstanding).toHaveLength(160);
    expect(json.outstanding.every((o) => o.popped === null)).toBe(true);
    expect(json.disagreements.filter((d) => d.kind === 'not-reported')).toHaveLength(1);
  });

  it('a vhost queue: last_avail_idx as QEMU reported it, shadow_avail_idx null', () => {
    const json = JSON.parse(JSON.stringify(snapshotSummary(load(vhostFiles('snap00', 'vhost-queue', 'hmp'))))) as {
      device: Record<string, unknown>;
    };
    expect(json.device).toMatchObject({
      last_avail_idx: 0,
      shadow_avail_idx: null,
      vhost: true,
      not_reported: ['shadow-avail-idx'],
    });
  });

  it('a real sample says vhost false, nothing not reported', () => {
    const json = JSON.parse(JSON.stringify(snapshotSummary(real('snap00')))) as { device: Record<string, unknown> };
    expect(json.device).toMatchObject({ last_avail_idx: 456, shadow_avail_idx: 456, vhost: false, not_reported: [] });
  });
});

describe('bad input in a vhost-shaped status is still refused, with file and line', () => {
  const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

  it('QMP: shadow-avail-idx present but not an integer', () => {
    const text = new TextDecoder()
      .decode(sampleFiles('snap02')[0]!.bytes)
      .replace('"shadow-avail-idx": 968', '"shadow-avail-idx": "968x"');
    const r = parseSnapshotFiles([textFile('bad_qmp.json', text), ...sampleFiles('snap02').slice(1)]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toMatchObject({ file: 'bad_qmp.json', line: lineOf(text, '"shadow-avail-idx"') });
    expect(r.problem.message).toMatch(/"shadow-avail-idx" must be an integer from 0 to 65535, got "968x"/);
  });

  it('QMP: last-avail-idx null (present, wrong type) in a status without shadow-avail-idx', () => {
    const text = vhostQmpText('snap02', 'vhost-queue').replace('"last-avail-idx": 0', '"last-avail-idx": null');
    const r = parseSnapshotFiles([textFile('bad_qmp.json', text), ...sampleFiles('snap02').slice(1)]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toMatchObject({ file: 'bad_qmp.json', line: lineOf(text, '"last-avail-idx"') });
    expect(r.problem.message).toMatch(/"last-avail-idx" must be an integer/);
  });

  it('HMP: a shadow_avail_idx line that is not a number', () => {
    const text = new TextDecoder()
      .decode(sampleFiles('snap02', 'hmp.txt')[0]!.bytes)
      .replace(/shadow_avail_idx: +968/, 'shadow_avail_idx:     lots');
    const r = parseSnapshotFiles([textFile('bad_hmp.txt', text), ...sampleFiles('snap02').slice(1)]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toMatchObject({ file: 'bad_hmp.txt', line: lineOf(text, 'shadow_avail_idx') });
    expect(r.problem.message).toMatch(/shadow_avail_idx: lots" is not an integer from 0 to 65535/);
  });

  it('a field every status has is still required (used-idx)', () => {
    const text = vhostQmpText('snap02', 'outside-vhost').replace(/\n\s*"used-idx": \d+,/, '');
    const r = parseSnapshotFiles([textFile('bad_qmp.json', text), ...sampleFiles('snap02').slice(1)]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.file).toBe('bad_qmp.json');
    expect(r.problem.line).toBeGreaterThan(1);
    expect(r.problem.message).toBe('"used-idx" is missing');
  });
});
