import { describe, expect, it } from 'vitest';
import { VRING_DESC_F_INDIRECT } from '../../virtio/constants';
import { parseSnapshotFiles } from './parseFiles';
import { sampleFiles } from './samples.testutil';
import type { RingSnapshot } from './types';

function load(snap: 'snap00' | 'snap02', status: 'qmp.json' | 'hmp.txt' = 'qmp.json'): RingSnapshot {
  const r = parseSnapshotFiles(sampleFiles(snap, status));
  if (!r.ok) throw new Error(r.problem.message);
  expect(r.partial).toBe(false);
  return r.value;
}

describe('snap00 (idle, 456 requests done)', () => {
  const s = load('snap00');

  it('reads QEMU VirtQueue fields and the ring indices: 456 everywhere, nothing in use', () => {
    expect(s.status).toMatchObject({
      name: 'virtio-blk',
      queue_index: 0,
      last_avail_idx: 456,
      shadow_avail_idx: 456,
      used_idx: 456,
      signalled_used: 456,
      signalled_used_valid: true,
      inuse: 0,
    });
    expect(s.status.vring).toEqual({
      num: 256,
      num_default: 256,
      align: 4096,
      desc: 0x2986000,
      avail: 0x2987000,
      used: 0x2987240,
    });
    expect(s.avail).toMatchObject({ flags: 0, idx: 456, used_event: 456 });
    expect(s.used).toMatchObject({ flags: 0, idx: 456, avail_event: 456 });
    expect(s.outstanding).toEqual([]);
  });

  it('every used descriptor-table entry is INDIRECT with len 48 (three 16-byte entries)', () => {
    const used = s.desc.filter((d) => d.addr !== 0n || d.len !== 0);
    expect(used.length).toBe(223);
    for (const d of used) expect({ flags: d.flags, len: d.len }).toEqual({ flags: VRING_DESC_F_INDIRECT, len: 48 });
  });

  it('flags the head element query as stale: slot 456 is not in flight and holds a garbage address', () => {
    expect(s.elements).toHaveLength(1);
    expect(s.disagreements).toEqual([
      expect.objectContaining({ kind: 'element-stale', field: 'avail position 456', reported: 'head 2' }),
    ]);
    expect(s.disagreements[0]!.message).toContain('0xf221496b55e7f47d');
  });
});

describe('snap02 (161 requests in flight per QEMU)', () => {
  const s = load('snap02');

  it('reads the status before and after the dumps, and the indices in memory', () => {
    expect(s.status).toMatchObject({
      last_avail_idx: 968,
      shadow_avail_idx: 968,
      used_idx: 807,
      signalled_used: 807,
      inuse: 161,
    });
    expect(s.statusAfter).toMatchObject({ last_avail_idx: 968, used_idx: 808, signalled_used: 808, inuse: 160 });
    expect(s.avail).toMatchObject({ flags: 0, idx: 968, used_event: 808 });
    expect(s.used).toMatchObject({ flags: 0, idx: 808, avail_event: 968 });
    expect(s.used.ring.every((e) => e.len === 4097)).toBe(true);
  });

  it('lists the outstanding chains from used.idx to avail.idx in memory: 160, all popped, all indirect of 3', () => {
    expect(s.outstanding).toHaveLength(160);
    expect(s.outstanding[0]).toMatchObject({ availPos: 808, slot: 40, head: 50, descs: [50], popped: true });
    expect(s.outstanding.at(-1)).toMatchObject({ availPos: 967, slot: 967 % 256 });
    for (const c of s.outstanding) {
      expect(c.popped).toBe(true);
      expect(c.head).toBe(s.avail.ring[c.slot]);
      expect(c.indirect).toMatchObject({ len: 48, entries: 3, captured: false });
      expect(c.indirect!.addr).toBe(s.desc[c.head]!.addr);
      expect(s.desc[c.head]!.availPos).toBe(c.availPos);
    }
  });

  it('pairs each outstanding chain with its element query, reversing QEMU last-first order', () => {
    const c = s.outstanding[0]!;
    expect(c.element).not.toBeNull();
    expect(c.element!.index).toBe(50);
    expect(c.element!.descs.map((d) => d.len)).toEqual([1, 4096, 16]);
    // Chain order: header (16 bytes, device-readable), data, status byte (device-writable).
    expect(c.element!.chain.map((d) => [d.len, d.flags])).toEqual([
      [16, ['next']],
      [4096, ['write', 'next']],
      [1, ['write']],
    ]);
    expect(s.outstanding.every((o) => o.element !== null)).toBe(true);
  });

  it('shows the disagreements of a live, non-atomic snapshot', () => {
    const kinds = s.disagreements.map((d) => d.kind);
    expect(s.disagreements.find((d) => d.kind === 'used-idx')).toMatchObject({ reported: '807', actual: '808' });
    expect(s.disagreements.find((d) => d.kind === 'inuse')).toMatchObject({ reported: '161', actual: '160' });
    expect(s.disagreements.filter((d) => d.kind === 'status-changed').map((d) => d.field)).toEqual([
      'used-idx',
      'signalled-used',
      'inuse',
    ]);
    // The query at 968 (= avail.idx) asked about a slot the driver has not published: stale memory.
    expect(s.disagreements).toContainEqual(
      expect.objectContaining({ kind: 'element-stale', field: 'avail position 968' }),
    );
    expect(kinds.filter((k) => k === 'element-stale').length).toBe(1);
    // Queries that ran after their request had completed.
    expect(kinds.filter((k) => k === 'element-late').length).toBe(28);
    // One line for all the element queries that saw a later used.idx.
    const reads = s.disagreements.filter((d) => d.kind === 'element-used-idx');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ reported: '809..876', actual: '808' });
    expect(kinds).not.toContain('element-head');
    expect(kinds).not.toContain('shadow-avail-idx');
  });
});

describe('HMP text', () => {
  for (const snap of ['snap00', 'snap02'] as const) {
    it(`${snap}: the HMP parse gives the same ring and status as the JSON`, () => {
      const json = load(snap);
      const hmp = load(snap, 'hmp.txt');
      expect(hmp.origin).toBe('hmp');
      expect(hmp.status).toEqual(json.status);
      expect(hmp.desc).toEqual(json.desc);
      expect(hmp.avail).toEqual(json.avail);
      expect(hmp.used).toEqual(json.used);
      expect(hmp.outstanding.map((c) => [c.availPos, c.head, c.descs, c.indirect])).toEqual(
        json.outstanding.map((c) => [c.availPos, c.head, c.descs, c.indirect]),
      );
      // HMP's element query without an index is the chain at last_avail_idx, as the JSON's entry there.
      expect(hmp.elements).toHaveLength(1);
      const head = json.elements.find((e) => e.availPos === json.status.last_avail_idx)!;
      expect(hmp.elements[0]!.availPos).toBe(head.availPos);
      expect(hmp.elements[0]!.index).toBe(head.index);
      expect(hmp.elements[0]!.avail).toEqual(head.avail);
      expect(hmp.elements[0]!.descs.map((d) => d.len)).toEqual(head.descs.map((d) => d.len));
    });
  }

  it('the wrapper JSON HMP strings parse the same as the .txt', async () => {
    const { parseHmpStatusText } = await import('./hmpText');
    const wrapper = JSON.parse(new TextDecoder().decode(sampleFiles('snap02')[0]!.bytes)) as Record<string, string>;
    const r = parseHmpStatusText('x', wrapper['hmp_queue_status']! + wrapper['hmp_queue_element_head']!);
    expect(r.ok && r.doc.status).toEqual(load('snap02').status);
    expect(r.ok && r.doc.elements[0]!.descs[0]!.addr).toBe(0x3273496b55e7ae3dn);
  });
});
