import { describe, expect, it } from 'vitest';
import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../virtio/constants';
import type { VringDesc } from '../../virtio/splitRing';
import type { ImportFile } from '../types';
import { assignAreas, dumpAddrByName, pmemsaveIndirectCommand } from './areas';
import { CapturedMemory } from './capturedMemory';
import { readIndirectTable, uncapturedIndirect } from './indirect';
import { parseSnapshotFiles } from './parseFiles';
import { snapshotQueueView } from './queueView';
import { snapshotSummary } from './summary';
import { sampleFiles } from './samples.testutil';
import type { ElementDesc, RingSnapshot } from './types';

const FLAG_BITS: Record<string, number> = {
  next: VRING_DESC_F_NEXT,
  write: VRING_DESC_F_WRITE,
  indirect: VRING_DESC_F_INDIRECT,
};

/** Descriptors as the bytes of a table (little-endian addr, len, flags, next). */
function tableBytes(descs: VringDesc[]): Uint8Array {
  const out = new Uint8Array(16 * descs.length);
  const v = new DataView(out.buffer);
  descs.forEach((d, k) => {
    v.setBigUint64(16 * k, BigInt(d.addr), true);
    v.setUint32(16 * k + 8, d.len, true);
    v.setUint16(16 * k + 12, d.flags, true);
    v.setUint16(16 * k + 14, d.next, true);
  });
  return out;
}

/** What Linux wrote in an indirect table, rebuilt from QEMU's element query of it (chain order, next = k + 1). */
const fromElement = (chain: ElementDesc[]): VringDesc[] =>
  chain.map((d, k) => ({
    addr: d.addr,
    len: d.len,
    flags: d.flags.reduce((f, n) => f | (FLAG_BITS[n] ?? 0), 0),
    next: d.flags.includes('next') ? k + 1 : 0,
  }));

function load(files: ImportFile[]): RingSnapshot {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
}

const hexName = (prefix: string, addr: bigint | number) => `${prefix}_0x${addr.toString(16)}.bin`;

describe('indirect tables in a real snapshot (snap02: 160 outstanding, all INDIRECT, tables not dumped)', () => {
  const s = load(sampleFiles('snap02'));

  it('knows each table’s address and size, and that the captured memory does not hold it', () => {
    for (const c of s.outstanding) {
      expect(c.indirect).toEqual({ addr: s.desc[c.head]!.addr, len: 48, entries: 3, captured: false, table: null });
    }
  });

  it('lists them, by head, for the descriptor table’s "not captured" rows, with the element query noted', () => {
    const u = uncapturedIndirect(s);
    expect(u.size).toBe(160);
    expect(u.get(50)).toEqual({ addr: s.desc[50]!.addr, len: 48, entries: 3, queried: true });
    expect(uncapturedIndirect(load(sampleFiles('snap00'))).size).toBe(0);
  });

  it('hands the ring components unreadable tables, never made-up entries', () => {
    const q = snapshotQueueView(s);
    expect(q.chains).toHaveLength(160);
    for (const c of q.chains) {
      expect(c.indirect).toEqual({ via: c.head, addr: Number(s.desc[c.head]!.addr), entries: [], readable: false });
    }
  });
});

describe('an indirect table the snapshot holds is decoded from the captured bytes', () => {
  const base = sampleFiles('snap02');
  const real = load(base);
  const first = real.outstanding[0]!;
  const second = real.outstanding[1]!;
  // The table as QEMU's element query read it from the running guest: header, data, status.
  const table = fromElement(first.element!.chain);
  const dump = { name: hexName('snap02_ind', first.indirect!.addr), bytes: tableBytes(table) };
  const s = load([...base, dump]);

  it('reads the dumped table entry by entry through SplitRing, and only that one', () => {
    expect(s.dumps).toEqual([{ file: dump.name, gpa: Number(first.indirect!.addr), bytes: dump.bytes }]);
    const c = s.outstanding[0]!;
    expect(c.indirect).toMatchObject({ captured: true, entries: 3 });
    expect(c.indirect!.table).toEqual(table);
    expect(c.indirect!.table!.map((d) => [d.len, d.flags])).toEqual([
      [16, VRING_DESC_F_NEXT],
      [4096, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT],
      [1, VRING_DESC_F_WRITE],
    ]);
    expect(s.outstanding.filter((o) => o.indirect?.captured)).toHaveLength(1);
    const u = uncapturedIndirect(s);
    expect(u.size).toBe(159);
    expect(u.has(first.head)).toBe(false);
  });

  it('puts the dump and the decoded table in the summary the CLI prints', () => {
    const json = JSON.parse(JSON.stringify(snapshotSummary(s))) as {
      dumps: unknown[];
      outstanding: { indirect: { captured: boolean; table: unknown } }[];
    };
    expect(json.dumps).toEqual([{ file: dump.name, gpa: `0x${first.indirect!.addr.toString(16)}`, bytes: 48 }]);
    expect(json.outstanding[0]!.indirect).toMatchObject({
      captured: true,
      table: [
        { len: 16, flags: ['next'], next: 1 },
        { len: 4096, flags: ['next', 'write'], next: 2 },
        { len: 1, flags: ['write'], next: 0 },
      ],
    });
    expect(json.outstanding[1]!.indirect).toMatchObject({ captured: false, table: null });
  });

  it('gives the ring components the table as readable, with its entries', () => {
    const q = snapshotQueueView(s);
    const chain = q.chains.find((c) => c.head === first.head)!;
    expect(chain.indirect).toEqual({
      via: first.head,
      addr: Number(first.indirect!.addr),
      entries: table,
      readable: true,
    });
    expect(q.chains.filter((c) => c.indirect?.readable)).toHaveLength(1);
  });

  it('a dump that holds only part of a table does not count: nothing is read past its end', () => {
    const part = { name: hexName('ind', second.indirect!.addr), bytes: tableBytes(table).subarray(0, 32) };
    const p = load([...base, part]);
    expect(p.outstanding[1]!.indirect).toMatchObject({ captured: false, table: null, entries: 3 });
    // Starting 16 bytes early, a 64-byte dump holds all 48 bytes of the table: entries 1..3 of the dump.
    const early = tableBytes([{ addr: 0xdeadn, len: 7, flags: 0, next: 0 }, ...table]);
    const shifted = { name: hexName('ind', second.indirect!.addr - 16n), bytes: early };
    expect(load([...base, shifted]).outstanding[1]!.indirect!.table).toEqual(table);
  });
});

describe('readIndirectTable over captured memory', () => {
  const descGpa = 0x10000;
  const areas = (desc: Uint8Array) => ({
    desc: { gpa: descGpa, bytes: desc },
    avail: { gpa: 0x20000, bytes: new Uint8Array(6 + 2 * 8) },
    used: { gpa: 0x30000, bytes: new Uint8Array(6 + 8 * 8) },
  });
  const entries: VringDesc[] = [
    { addr: 0x5000n, len: 16, flags: VRING_DESC_F_NEXT, next: 1 },
    { addr: 0x6000n, len: 512, flags: VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, next: 2 },
    { addr: 0x7000n, len: 1, flags: VRING_DESC_F_WRITE, next: 0 },
  ];

  it('reads a table lying inside one of the three areas (here the descriptor table’s unused tail)', () => {
    const desc = new Uint8Array(16 * 8);
    desc.set(tableBytes(entries), 16 * 5);
    const cap = new CapturedMemory(8, areas(desc));
    expect(readIndirectTable(cap, BigInt(descGpa + 16 * 5), 48)).toEqual({
      addr: BigInt(descGpa + 16 * 5),
      len: 48,
      entries: 3,
      captured: true,
      table: entries,
    });
    // One entry further, the table would run past the area's end.
    expect(readIndirectTable(cap, BigInt(descGpa + 16 * 6), 48)).toMatchObject({ captured: false, table: null });
  });

  it('reads from a further dump, and not across two dumps that merely touch', () => {
    const bytes = tableBytes(entries);
    const cap = new CapturedMemory(8, areas(new Uint8Array(128)), [
      { gpa: 0x90000, bytes: bytes.subarray(0, 16) },
      { gpa: 0x90010, bytes: bytes.subarray(16) },
      { gpa: 0xa0000, bytes },
    ]);
    expect(readIndirectTable(cap, 0xa0000n, 48).table).toEqual(entries);
    expect(readIndirectTable(cap, 0x90000n, 48).captured).toBe(false);
  });

  it('counts len / 16 entries, as QEMU does; a table of no entries has nothing missing', () => {
    const cap = new CapturedMemory(8, areas(new Uint8Array(128)), [{ gpa: 0xa0000, bytes: tableBytes(entries) }]);
    expect(readIndirectTable(cap, 0xa0000n, 40)).toMatchObject({ entries: 2, captured: true });
    expect(readIndirectTable(cap, 0xa0000n, 40).table).toEqual(entries.slice(0, 2));
    expect(readIndirectTable(cap, 0xffff0000n, 0)).toEqual({
      addr: 0xffff0000n,
      len: 0,
      entries: 0,
      captured: true,
      table: [],
    });
    // An address past 2^64 of a stale slot, or a huge len: not captured, nothing read.
    expect(readIndirectTable(cap, 0xffffffffffffff00n, 48).captured).toBe(false);
    expect(readIndirectTable(cap, 0xa0000n, 0xfffffff0).captured).toBe(false);
  });
});

describe('further dumps are told apart by the address in their names', () => {
  it('reads the address; no address, or one past 2^53, is none', () => {
    expect(dumpAddrByName('ind_0x3F1c000.bin')).toBe(0x3f1c000);
    expect(dumpAddrByName('/tmp/x/0x10.bin')).toBe(0x10);
    expect(dumpAddrByName('snap02_live_desc.bin')).toBeNull();
    expect(dumpAddrByName('big_0xffffffffffffffff.bin')).toBeNull();
    // The command the snapshot view suggests saves a table under a name read back as its address.
    const command = pmemsaveIndirectCommand(0x2972f00n, 48);
    expect(command).toBe('pmemsave 0x2972f00 48 ind_0x2972f00.bin');
    expect(dumpAddrByName(command.split(' ')[3]!)).toBe(0x2972f00);
  });

  it('a file named by an area’s vring address is that area; another address is a dump; an empty dump is refused', () => {
    const files = sampleFiles('snap02').slice(1);
    const gpa = { desc: 0x2986000, avail: 0x2987000, used: 0x2987240 };
    const renamed = files.map((f, k) => (k === 0 ? { name: 'ring_0x2986000.bin', bytes: f.bytes } : f));
    const extra = { name: 'ind_0x1000.bin', bytes: new Uint8Array(48) };
    const r = assignAreas([...renamed, extra], 256, 's.json', gpa);
    expect(r.ok && r.areas.desc.name).toBe('ring_0x2986000.bin');
    expect(r.ok && r.dumps).toEqual([{ file: extra, gpa: 0x1000 }]);
    const empty = assignAreas([...files, { name: 'ind_0x1000.bin', bytes: new Uint8Array(0) }], 256, 's.json', gpa);
    expect(empty).toEqual({
      ok: false,
      problem: { file: 'ind_0x1000.bin', byte: 0, message: 'ind_0x1000.bin is empty' },
    });
  });
});
