import { describe, expect, it } from 'vitest';
import { compareSnapshots } from './compare';
import { parseSnapshotFiles } from './parseFiles';
import { snapshotQueueView } from './queueView';
import { sampleFiles } from './samples.testutil';
import { snapshotSummary } from './summary';
import type { RingSnapshot } from './types';

const load = (snap: 'snap00' | 'snap02'): RingSnapshot => {
  const r = parseSnapshotFiles(sampleFiles(snap));
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};

describe('snapshotSummary', () => {
  it('is plain JSON with the indices, QEMU fields, outstanding chains and disagreements', () => {
    const s = load('snap02');
    const json = JSON.parse(JSON.stringify(snapshotSummary(s))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(json).toMatchObject({
      kind: 'ring-snapshot',
      origin: 'qmp',
      files: {
        status: 'snap02_live_qmp.json',
        desc: 'snap02_live_desc.bin',
        avail: 'snap02_live_avail.bin',
        used: 'snap02_live_used.bin',
      },
      device: { last_avail_idx: 968, used_idx: 807, inuse: 161, vring: { num: 256, desc: '0x2986000' } },
      ring: {
        size: 256,
        avail: { idx: 968, used_event: 808 },
        used: { idx: 808, avail_event: 968 },
        descriptors: { nonZero: 223, indirect: 223 },
      },
      elements: 161,
    });
    expect(json.outstanding).toHaveLength(160);
    expect(json.outstanding[0]).toMatchObject({
      availPos: 808,
      head: 50,
      popped: true,
      descs: [{ index: 50, len: 48, flags: ['indirect'] }],
      indirect: { len: 48, entries: 3, captured: false, table: null },
      element: { index: 50, chain: [{ len: 16, flags: ['next'] }, { len: 4096 }, { len: 1, flags: ['write'] }] },
    });
    expect(json.disagreements).toHaveLength(s.disagreements.length);
  });
});

describe('snapshotQueueView', () => {
  it('gives the ring components the bytes and QEMU fields, unread indirect tables and no request ids', () => {
    const s = load('snap02');
    const q = snapshotQueueView(s);
    expect(q.addrs).toEqual({ size: 256, desc: 0x2986000, avail: 0x2987000, used: 0x2987240 });
    expect(q.avail.idx).toBe(968);
    expect(q.used.idx).toBe(808);
    expect(q.device).toMatchObject({ last_avail_idx: 968, used_idx: 807, inuse: 161, vring: { num: 256 } });
    expect(q.chains).toHaveLength(160);
    expect(q.chains.every((c) => c.indirect?.readable === false && c.indirect.entries.length === 0)).toBe(true);
    expect(q.desc.every((d) => d.request === null && !d.free)).toBe(true);
    expect(q.desc[50]!.head).toBe(50);
    expect(q.indirect).toBe(true);
  });
});

describe('compareSnapshots', () => {
  it('lists the fields of two snapshots and which differ', () => {
    const rows = compareSnapshots(load('snap00'), load('snap02'));
    expect(rows.find((r) => r.field === 'avail.idx')).toEqual({
      field: 'avail.idx',
      left: '456',
      right: '968',
      same: false,
      moved: '+512',
    });
    expect(rows.find((r) => r.field === 'vring.num')?.same).toBe(true);
    expect(rows.find((r) => r.field === 'outstanding')).toMatchObject({ left: '0', right: '160' });
  });
});
