import { describe, expect, it } from 'vitest';
import { compareOutstanding, compareSnapshots } from './compare';
import { parseSnapshotFiles } from './parseFiles';
import { sampleFiles } from './samples.testutil';
import type { ImportFile } from '../types';
import type { RingSnapshot } from './types';

const parse = (files: ImportFile[]): RingSnapshot => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};
const load = (snap: 'snap00' | 'snap02', status: 'qmp.json' | 'hmp.txt' = 'qmp.json') =>
  parse(sampleFiles(snap, status));

/** The sample's files with one of them changed (a copy: the sample stays as it is). */
function edited(files: ImportFile[], suffix: string, change: (bytes: Uint8Array) => Uint8Array): ImportFile[] {
  return files.map((f) => (f.name.endsWith(suffix) ? { name: f.name, bytes: change(f.bytes.slice()) } : f));
}
const u16 = (offset: number, value: number) => (b: Uint8Array) => {
  new DataView(b.buffer, b.byteOffset).setUint16(offset, value, true);
  return b;
};
const text = (from: RegExp, to: string) => (b: Uint8Array) =>
  new TextEncoder().encode(new TextDecoder().decode(b).replace(from, to));

/**
 * snap02 as it could look a little later: the device completed the ten oldest requests (used.idx 808 → 818),
 * the driver offered head 50 again (it was the oldest) and one head that was free, and changed the length of one
 * descriptor that is still outstanding.
 */
function later(a: RingSnapshot): { files: ImportFile[]; freeHead: number; changedHead: number } {
  const busy = new Set(a.outstanding.map((c) => c.head));
  const freeHead = a.desc.findIndex((d) => !busy.has(d.index));
  const changedHead = a.outstanding[20]!.head; // avail position 828, still outstanding after the ten complete
  let files = edited(sampleFiles('snap02'), 'used.bin', u16(2, 818));
  files = edited(files, 'avail.bin', (b) => {
    u16(4 + 2 * (968 % 256), 50)(b);
    u16(4 + 2 * (969 % 256), freeHead)(b);
    return u16(2, 970)(b);
  });
  files = edited(files, 'desc.bin', (b) => {
    new DataView(b.buffer, b.byteOffset).setUint32(16 * changedHead + 8, 64, true);
    return b;
  });
  return { files, freeHead, changedHead };
}

describe('compareSnapshots', () => {
  it('says how far each index moved between the idle and the busy sample', () => {
    const rows = compareSnapshots(load('snap00'), load('snap02'));
    const row = (field: string) => rows.find((r) => r.field === field)!;
    expect(row('avail.idx')).toEqual({ field: 'avail.idx', left: '456', right: '968', same: false, moved: '+512' });
    expect(row('used.idx')).toMatchObject({ same: false, moved: '+352' });
    expect(row('used_idx')).toMatchObject({ left: '456', right: '807', moved: '+351' });
    expect(row('inuse')).toMatchObject({ left: '0', right: '161', moved: '+161' });
    expect(row('outstanding')).toMatchObject({ left: '0', right: '160', moved: '+160' });
    // The same ring of the same VM: size and addresses are equal, and nothing "moved" there.
    for (const f of ['vring.num', 'vring.desc', 'vring.avail', 'vring.used', 'queue_index'])
      expect(row(f), f).toMatchObject({ same: true, moved: null });
    expect(row('vring.desc').left).toBe('0x2986000');
    expect(row('signalled_used_valid')).toMatchObject({ left: 'true', right: 'true', moved: null });
  });

  it('moves the other way when swapped, and round the 16-bit wrap the short way', () => {
    const rows = compareSnapshots(load('snap02'), load('snap00'));
    expect(rows.find((r) => r.field === 'avail.idx')!.moved).toBe('-512');
    expect(rows.find((r) => r.field === 'inuse')!.moved).toBe('-161');

    const before = parse(edited(sampleFiles('snap02'), 'avail.bin', u16(2, 65530)));
    const after = parse(edited(sampleFiles('snap02'), 'avail.bin', u16(2, 4)));
    expect(compareSnapshots(before, after).find((r) => r.field === 'avail.idx')).toMatchObject({
      left: '65530',
      right: '4',
      moved: '+10',
    });
    expect(compareSnapshots(after, before).find((r) => r.field === 'avail.idx')!.moved).toBe('-10');
  });

  it('reads the same snapshot through QMP and HMP as equal in every ring and QEMU field', () => {
    const rows = compareSnapshots(load('snap02'), load('snap02', 'hmp.txt'));
    // Only the count of disagreements differs: the HMP text holds fewer element queries and no second status.
    expect(rows.filter((r) => !r.same).map((r) => r.field)).toEqual(['disagreements']);
  });
});

describe('compareOutstanding', () => {
  it('idle → busy: every outstanding chain of snap02 is new', () => {
    const d = compareOutstanding(load('snap00'), load('snap02'));
    expect(d.counts).toEqual({ both: 0, reused: 0, left: 0, right: 160 });
    expect(d.sameRing).toBe(true);
    expect(d.rows.map((r) => r.head).slice(0, 3)).toEqual([50, 67, 68]);
    expect(d.rows[0]).toMatchObject({ match: 'right', left: null, right: { availPos: 808, head: 50 } });
    expect(d.rows.every((r) => r.changedDescs.length === 0)).toBe(true);
  });

  it('busy → idle (swapped): every chain is gone', () => {
    const d = compareOutstanding(load('snap02'), load('snap00'));
    expect(d.counts).toEqual({ both: 0, reused: 0, left: 160, right: 0 });
    expect(d.rows[0]).toMatchObject({ head: 50, match: 'left', right: null });
  });

  it('the same instant read twice (QMP and HMP): all 160 are the same requests, unchanged', () => {
    const d = compareOutstanding(load('snap02'), load('snap02', 'hmp.txt'));
    expect(d.counts).toEqual({ both: 160, reused: 0, left: 0, right: 0 });
    expect(d.changedInFlight).toBe(0);
    expect(d.rows.every((r) => r.left!.availPos === r.right!.availPos && r.changedDescs.length === 0)).toBe(true);
  });

  it('a later snapshot: completed, still outstanding, offered again, new, and a descriptor changed in flight', () => {
    const a = load('snap02');
    const { files, freeHead, changedHead } = later(a);
    const b = parse(files);
    expect(b.used.idx).toBe(818);
    expect(b.avail.idx).toBe(970);
    const d = compareOutstanding(a, b);
    expect(d.counts).toEqual({ both: 150, reused: 1, left: 9, right: 1 });
    expect(d.changedInFlight).toBe(1);
    expect(d.rows.map((r) => r.match)).toEqual([
      ...Array<string>(150).fill('both'),
      'reused',
      ...Array<string>(9).fill('left'),
      'right',
    ]);
    // Still outstanding, oldest first, at the same avail positions.
    expect(d.rows[0]).toMatchObject({ match: 'both', left: { availPos: 818 }, right: { availPos: 818 } });
    // Head 50 completed (it was at 808) and was offered again at 968.
    const reused = d.rows.find((r) => r.match === 'reused')!;
    expect(reused).toMatchObject({ head: 50, left: { availPos: 808 }, right: { availPos: 968 } });
    // Gone: the other nine of the ten completed.
    expect(d.rows.filter((r) => r.match === 'left').map((r) => r.left!.availPos)).toEqual([
      809, 810, 811, 812, 813, 814, 815, 816, 817,
    ]);
    expect(d.rows.find((r) => r.match === 'right')).toMatchObject({ head: freeHead, right: { availPos: 969 } });
    // Only the descriptor written while its request was outstanding is reported as changed.
    const changed = d.rows.filter((r) => r.changedDescs.length > 0);
    expect(changed.map((r) => [r.head, r.match, r.changedDescs])).toEqual([[changedHead, 'both', [changedHead]]]);
    expect(changed[0]!.changes).toEqual([{ index: changedHead, field: 'len', left: '48', right: '64' }]);
    expect(d.sameRing).toBe(true);
  });

  it('pairs a head listed twice (a broken ring) once, and counts the extra one on its side', () => {
    const a = load('snap02');
    // The driver writes head 67 (at 809) into the next slot too: one head outstanding at two positions.
    const b = parse(
      edited(sampleFiles('snap02'), 'avail.bin', (bytes) => u16(2, 969)(u16(4 + 2 * (968 % 256), 67)(bytes))),
    );
    expect(b.outstanding.filter((c) => c.head === 67).map((c) => c.availPos)).toEqual([809, 968]);
    const d = compareOutstanding(a, b);
    expect(d.counts).toEqual({ both: 160, reused: 0, left: 0, right: 1 });
    expect(d.rows.at(-1)).toMatchObject({ head: 67, match: 'right', right: { availPos: 968 } });
  });

  it('knows when the two are not the same ring', () => {
    const moved = parse(
      edited(sampleFiles('snap02'), 'qmp.json', text(/"vring-desc": 43540480/g, '"vring-desc": 4096')),
    );
    expect(moved.addrs.desc).toBe(4096);
    const d = compareOutstanding(load('snap02'), moved);
    expect(d.sameRing).toBe(false);
    expect(compareSnapshots(load('snap02'), moved).find((r) => r.field === 'vring.desc')).toMatchObject({
      right: '0x1000',
      same: false,
    });
  });
});
