import { zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { ImportFile } from '../types';
import { crc32 } from './crc32';
import { ARCHIVE_LIMITS, archiveTooLarge, locateInArchive, looksLikeArchive } from './sniff';
import { expandArchives, unpackArchive } from './unpack';

const text = (s: string) => new TextEncoder().encode(s);
/** Compressible bytes (a mostly zero ring area), so deflate is used. */
const zeros = (n: number, mark = 1) => {
  const b = new Uint8Array(n);
  b[0] = mark;
  b[n - 1] = mark;
  return b;
};
const SNAP: Record<string, Uint8Array> = {
  'p_qmp.json': text('{"return": {"vring-num": 8}}\n'),
  'p_desc.bin': zeros(128),
  'p_avail.bin': zeros(22, 2),
  'p_used.bin': zeros(70, 3),
  'p_ind_0x3f1c000.bin': zeros(48, 4),
};
const zip = (files: Zippable, level: 0 | 6 = 6) => zipSync(files, { level, mtime: new Date(2026, 0, 1) });
const archive = (bytes: Uint8Array, name = 'p.zip'): ImportFile => ({ name, bytes });

const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const put32 = (b: Uint8Array, o: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(o, v, true);
const put16 = (b: Uint8Array, o: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint16(o, v, true);
/** Offsets of the central directory headers, in order. */
const centrals = (b: Uint8Array) => {
  const at: number[] = [];
  for (let o = 0; o + 4 <= b.length; o++) if (u32(b, o) === 0x02014b50) at.push(o);
  return at;
};
/** Offsets of the local file headers, in order. */
const locals = (b: Uint8Array) => {
  const at: number[] = [];
  for (let o = 0; o + 4 <= b.length; o++) if (u32(b, o) === 0x04034b50) at.push(o);
  return at;
};
const problemOf = (r: ReturnType<typeof unpackArchive>) => {
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
};

describe('unpackArchive', () => {
  it('gives back every file of a deflated or stored archive, in order, byte for byte', () => {
    for (const level of [0, 6] as const) {
      const r = unpackArchive(archive(zip(SNAP, level)));
      if (!r.ok) throw new Error(r.problem.message);
      expect(r.files.map((f) => f.name)).toEqual(Object.keys(SNAP));
      expect(r.files.map((f) => f.path)).toEqual(Object.keys(SNAP));
      for (const f of r.files) expect(f.bytes).toEqual(SNAP[f.name]);
    }
  });

  it('accepts the files all in one folder (a zipped directory) and drops the folder from their names', () => {
    const r = unpackArchive(archive(zip({ 'snap/': {}, snap: { ...SNAP } })));
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.files.map((f) => f.name)).toEqual(Object.keys(SNAP));
    expect(r.files.map((f) => f.path)).toEqual(Object.keys(SNAP).map((n) => `snap/${n}`));
  });

  it("skips directory entries and what macOS's Finder adds (__MACOSX/, .DS_Store)", () => {
    const r = unpackArchive(
      archive(zip({ ...SNAP, '__MACOSX/._p_desc.bin': text('fork'), '.DS_Store': text('x'), 'empty/': {} })),
    );
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.files.map((f) => f.name)).toEqual(Object.keys(SNAP));
  });

  it('refuses a file that is not a zip, naming it and byte 0', () => {
    const p = problemOf(unpackArchive(archive(text('{"return": {}}\n'), 'snapshot.zip')));
    expect(p).toMatchObject({ file: 'snapshot.zip', byte: 0 });
    expect(p.message).toMatch(/not a zip archive/);
    expect(p.archive).toBeUndefined();
  });

  it('refuses a truncated archive', () => {
    const whole = zip(SNAP);
    const p = problemOf(unpackArchive(archive(whole.subarray(0, whole.length >> 1))));
    expect(p.file).toBe('p.zip');
    expect(p.message).toMatch(/truncated or corrupt/);
  });

  it('refuses an archive whose central directory is damaged', () => {
    const bytes = zip(SNAP);
    bytes[centrals(bytes)[2]!] = 0; // the third entry's signature
    expect(problemOf(unpackArchive(archive(bytes))).message).toMatch(/central directory is unreadable/);
  });

  it('refuses a stored entry whose bytes changed: its CRC-32 no longer matches', () => {
    const bytes = zip(SNAP, 0);
    const local = locals(bytes)[1]!; // p_desc.bin, stored
    const data = local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28);
    bytes[data + 5] = bytes[data + 5]! ^ 0xff;
    const p = problemOf(unpackArchive(archive(bytes)));
    expect(p).toMatchObject({ file: 'p_desc.bin', archive: 'p.zip' });
    expect(p.message).toMatch(/corrupt: its CRC-32 is 0x[0-9a-f]{8}, the archive says 0x[0-9a-f]{8}/);
  });

  it('refuses a deflated entry whose data is damaged, naming the entry', () => {
    const big = new Uint8Array(4096).map((_, k) => (k * 7) % 13);
    const bytes = zip({ 'p_qmp.json': SNAP['p_qmp.json']!, 'p_desc.bin': big });
    const local = locals(bytes)[1]!;
    const data = local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28);
    for (let k = 0; k < 8; k++) bytes[data + k] = 0xff; // an invalid block header
    const p = problemOf(unpackArchive(archive(bytes)));
    expect(p).toMatchObject({ file: 'p_desc.bin', archive: 'p.zip' });
    expect(p.message).toMatch(/the entry is corrupt/);
  });

  it('refuses an empty archive, and one of folders only', () => {
    for (const files of [{}, { 'snap/': {} }] as Zippable[]) {
      const p = problemOf(unpackArchive(archive(zip(files))));
      expect(p.file).toBe('p.zip');
      expect(p.message).toMatch(/holds no files/);
    }
  });

  it('refuses nested folders, several folders, a file beside a folder, and paths that climb out', () => {
    const cases: [Zippable, string][] = [
      [{ 'a/b/p_desc.bin': SNAP['p_desc.bin']!, 'a/b/p_qmp.json': SNAP['p_qmp.json']! }, 'a/b/p_desc.bin'],
      [{ 'a/p_qmp.json': SNAP['p_qmp.json']!, 'b/p_desc.bin': SNAP['p_desc.bin']! }, 'b/p_desc.bin'],
      [{ 'p_qmp.json': SNAP['p_qmp.json']!, 'b/p_desc.bin': SNAP['p_desc.bin']! }, 'b/p_desc.bin'],
      [{ '../p_qmp.json': SNAP['p_qmp.json']! }, '../p_qmp.json'],
    ];
    for (const [files, entry] of cases) {
      const p = problemOf(unpackArchive(archive(zip(files))));
      expect(p).toMatchObject({ file: entry, archive: 'p.zip' });
      expect(p.message).toMatch(/unexpected folder: the snapshot's files must all sit at the archive's top level/);
    }
  });

  it('refuses two entries of one name', () => {
    // fflate will not write a name twice: write p_desX.bin and rename it in both headers.
    const bytes = zip({ 'p_qmp.json': SNAP['p_qmp.json']!, 'p_desc.bin': zeros(16), 'p_desX.bin': zeros(16) });
    for (const [o, name] of [
      [locals(bytes)[2]!, 30],
      [centrals(bytes)[2]!, 46],
    ] as const)
      bytes[o + name + 'p_des'.length] = 'c'.charCodeAt(0);
    const p = problemOf(unpackArchive(archive(bytes)));
    expect(p).toMatchObject({ file: 'p_desc.bin', archive: 'p.zip' });
    expect(p.message).toBe('the archive holds two files named p_desc.bin');
  });

  it('refuses an entry declaring more than the cap before inflating anything', () => {
    const bytes = zip(SNAP);
    put32(bytes, centrals(bytes)[1]! + 24, 0x7fffffff); // p_desc.bin claims 2 GiB
    const p = problemOf(unpackArchive(archive(bytes)));
    expect(p).toMatchObject({ file: 'p_desc.bin', archive: 'p.zip' });
    expect(p.message).toMatch(
      new RegExp(`declares 2147483647 bytes; entries over ${ARCHIVE_LIMITS.entryBytes} bytes are refused`),
    );
  });

  it('refuses entries that together declare more than the total cap, and too many entries', () => {
    const limits = { entryBytes: 1000, totalBytes: 1500, entries: 10 };
    const three = zip({ 'a.bin': zeros(600), 'b.bin': zeros(600), 'c.bin': zeros(600) });
    expect(three.length).toBeLessThan(1500);
    expect(problemOf(unpackArchive(archive(three), limits)).message).toMatch(
      /declare 1800 bytes together; more than 1500 are refused/,
    );
    expect(problemOf(unpackArchive(archive(three), { ...limits, totalBytes: 2000, entries: 2 })).message).toMatch(
      /lists 3 entries; more than 2 are refused/,
    );
    expect(problemOf(unpackArchive(archive(three), { ...limits, totalBytes: 100 })).message).toMatch(
      /the archive is \d+ bytes; archives over 100 bytes are refused/,
    );
  });

  it('catches a declared size that lies, either way', () => {
    for (const declared of [10, 200]) {
      const bytes = zip(SNAP);
      put32(bytes, centrals(bytes)[1]! + 24, declared); // p_desc.bin is 128 bytes
      const p = problemOf(unpackArchive(archive(bytes)));
      expect(p).toMatchObject({ file: 'p_desc.bin', archive: 'p.zip' });
      expect(p.message).toMatch(/the entry is corrupt/);
    }
  });

  it('refuses an encrypted entry and an unknown compression method', () => {
    const enc = zip(SNAP);
    put16(enc, centrals(enc)[0]! + 8, 1);
    expect(problemOf(unpackArchive(archive(enc))).message).toMatch(/encrypted/);
    const bz = zip(SNAP);
    put16(bz, centrals(bz)[0]! + 10, 12);
    expect(problemOf(unpackArchive(archive(bz))).message).toMatch(
      /compression method 12; only stored \(0\) and deflate/,
    );
  });
});

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);

describe('expandArchives', () => {
  it('puts each archive’s files in its place, passes loose files through, and records where each came from', () => {
    const extra: ImportFile = { name: 'p_ind_0x5000.bin', bytes: zeros(32) };
    const status: ImportFile = { name: 'notes.txt', bytes: text('hi') };
    const r = expandArchives([status, archive(zip(SNAP)), extra]);
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.files[0]).toBe(status);
    expect(r.files[r.files.length - 1]).toBe(extra);
    expect(r.files.map((f) => f.name)).toEqual(['notes.txt', ...Object.keys(SNAP), 'p_ind_0x5000.bin']);
    expect(r.origins.get('p_desc.bin')).toEqual({ archive: 'p.zip', path: 'p_desc.bin' });
    expect(r.origins.has('notes.txt')).toBe(false);
  });

  it('without an archive, gives back the same files', () => {
    const files = Object.entries(SNAP).map(([name, bytes]) => ({ name, bytes }));
    const r = expandArchives(files);
    expect(r.ok && r.files.every((f, k) => f === files[k])).toBe(true);
  });

  it('refuses a name given twice, by an archive and a loose file or by two archives', () => {
    const loose = expandArchives([{ name: 'p_desc.bin', bytes: zeros(128) }, archive(zip(SNAP))]);
    expect(!loose.ok && loose.problem).toMatchObject({ file: 'p_desc.bin', archive: 'p.zip' });
    expect(!loose.ok && loose.problem.message).toMatch(/given twice \(also as a file of its own\)/);
    const two = expandArchives([archive(zip(SNAP), 'a.zip'), archive(zip(SNAP), 'b.zip')]);
    expect(!two.ok && two.problem).toMatchObject({ file: 'p_qmp.json', archive: 'b.zip' });
    expect(!two.ok && two.problem.message).toMatch(/given twice \(also inside a\.zip\)/);
  });

  it('passes an archive’s problem on', () => {
    const r = expandArchives([archive(text('nope'), 'bad.zip')]);
    expect(!r.ok && r.problem).toMatchObject({ file: 'bad.zip', byte: 0 });
  });
});

describe('archive helpers', () => {
  it('tells an archive by its name or its signature, and never takes a .bin for one', () => {
    const pk = new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]);
    expect(looksLikeArchive({ name: 'x.ZIP', bytes: text('not really') })).toBe(true);
    expect(looksLikeArchive({ name: 'download', bytes: pk })).toBe(true);
    expect(looksLikeArchive({ name: 'empty', bytes: zip({}) })).toBe(true);
    expect(looksLikeArchive({ name: 'p_desc.bin', bytes: pk })).toBe(false);
    expect(looksLikeArchive({ name: 'p_qmp.json', bytes: text('{}') })).toBe(false);
  });

  it('locates a problem in an unpacked file, and leaves others alone', () => {
    const origins = new Map([['p_used.bin', { archive: 'p.zip', path: 'snap/p_used.bin' }]]);
    expect(locateInArchive({ file: 'p_used.bin', byte: 70, message: 'm' }, origins)).toEqual({
      file: 'snap/p_used.bin',
      archive: 'p.zip',
      byte: 70,
      message: 'm',
    });
    const loose = { file: 'p_qmp.json', line: 2, message: 'm' };
    expect(locateInArchive(loose, origins)).toBe(loose);
    const placed = { file: 'p_used.bin', archive: 'q.zip', message: 'm' };
    expect(locateInArchive(placed, origins)).toBe(placed);
  });

  it('refuses an archive over the total cap by its size alone', () => {
    expect(archiveTooLarge('a.zip', ARCHIVE_LIMITS.totalBytes)).toBeNull();
    expect(archiveTooLarge('a.zip', ARCHIVE_LIMITS.totalBytes + 1)).toMatchObject({ file: 'a.zip' });
  });

  it('computes the CRC-32 zip records', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });
});
