import { unzipSync } from 'fflate';
import type { ImportFile, ImportProblem } from '../types';
import { crc32 } from './crc32';
import { ARCHIVE_LIMITS, archiveTooLarge, looksLikeArchive, type ArchiveLimits, type ArchiveOrigin } from './sniff';

/**
 * Unpacks a .zip of snapshot files (the UI's "Export ring snapshot" saves one; `run --export-snapshot x.zip` writes
 * one) into the loose files it holds, for the same parsing as files picked one by one. This module loads fflate:
 * the page imports it only when an archive is opened.
 */

/** A file unpacked from an archive: `name` as the importers see it, `path` as the archive lists it. */
export interface ArchiveEntry extends ImportFile {
  path: string;
}

export type UnpackResult = { ok: true; files: ArchiveEntry[] } | { ok: false; problem: ImportProblem };

/** What the central directory says of an entry besides what fflate's filter hands over. */
interface DirectoryFacts {
  flags: number;
  crc: number;
}

interface Listed extends DirectoryFacts {
  index: number;
  path: string;
  size: number;
  originalSize: number;
  compression: number;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
/** The end record sits within the last 22 bytes plus a comment of at most 65535. */
const EOCD_SEARCH = 22 + 0xffff;

/**
 * Each central directory entry's flags and CRC-32, in directory order (fflate's filter sees the entries in the same
 * order, and reads neither). 'no-end': no end record; 'bad': a directory that runs off the file or lacks its signatures.
 */
function directoryFacts(b: Uint8Array): DirectoryFacts[] | 'no-end' | 'bad' {
  let e = b.length - 22;
  while (e >= 0 && u32(b, e) !== EOCD) {
    if (b.length - e >= EOCD_SEARCH) return 'no-end';
    e--;
  }
  if (e < 0) return 'no-end';
  let count = u16(b, e + 8);
  let at = u32(b, e + 16);
  if (e >= 20 && u32(b, e - 20) === ZIP64_LOCATOR) {
    const z = u32(b, e - 12);
    if (z + 56 <= b.length && u32(b, z) === ZIP64_EOCD) {
      count = u32(b, z + 32);
      at = u32(b, z + 48);
    }
  }
  const facts: DirectoryFacts[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > b.length || u32(b, at) !== CENTRAL) return 'bad';
    facts.push({ flags: u16(b, at + 8), crc: u32(b, at + 16) });
    at += 46 + u16(b, at + 28) + u16(b, at + 30) + u16(b, at + 32);
  }
  return facts;
}

/** Directory entries, and what macOS's Finder adds to an archive it makes (resource forks, folder settings). */
const isIgnored = (path: string) => path.endsWith('/') || /^__MACOSX\//.test(path) || /(^|\/)\.DS_Store$/.test(path);

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The files inside a zip archive, at its top level or all in one folder (a zipped directory): that folder is
 * dropped from their names, so they read as the loose files. Refused, naming the archive (and the entry): not a
 * zip, a corrupt or truncated one (unreadable directory, bad deflate data, a size or CRC-32 that does not match),
 * an encrypted entry, a compression method other than stored or deflate, no files, deeper or several folders, two
 * entries of one name, and entries declaring more bytes than `limits` allow (checked before any is inflated).
 */
export function unpackArchive(archive: ImportFile, limits: ArchiveLimits = ARCHIVE_LIMITS): UnpackResult {
  const at = (message: string, extra: Partial<ImportProblem> = {}): UnpackResult => ({
    ok: false,
    problem: { file: archive.name, ...extra, message },
  });
  const inside = (path: string, message: string): UnpackResult => ({
    ok: false,
    problem: { file: path, archive: archive.name, message },
  });
  const big = archiveTooLarge(archive.name, archive.bytes.length, limits);
  if (big) return { ok: false, problem: big };
  const bytes = archive.bytes;

  const facts = directoryFacts(bytes);
  if (facts === 'no-end') {
    const sig = bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b;
    return sig
      ? at('the zip archive is truncated or corrupt: it has no end of central directory record')
      : at('not a zip archive (no zip signature, no end of central directory record)', { byte: 0 });
  }
  if (facts === 'bad') return at('the zip archive is corrupt: its central directory is unreadable');

  const listed: Listed[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        const k = listed.length;
        listed.push({
          index: k,
          path: f.name,
          size: f.size,
          originalSize: f.originalSize,
          compression: f.compression,
          ...facts[k]!,
        });
        return false;
      },
    });
  } catch (e) {
    return at(`the zip archive is corrupt: ${reason(e)}`);
  }
  if (listed.length !== facts.length) return at('the zip archive is corrupt: its central directory is unreadable');
  if (listed.length > limits.entries)
    return at(`the archive lists ${listed.length} entries; more than ${limits.entries} are refused`);

  const files = listed.filter((f) => !isIgnored(f.path.replace(/\\/g, '/')));
  if (files.length === 0)
    return at('the archive holds no files: expected the snapshot files (status JSON or HMP text and the .bin dumps)');

  // One folder level at most, the same for every file: what zipping a directory gives.
  const parts = files.map((f) => f.path.replace(/\\/g, '/').split('/'));
  const folder = parts[0]!.length === 2 ? parts[0]![0]! : null;
  const folderText = folder === null ? 'at the top level' : `in the folder "${folder}/"`;
  for (const [k, p] of parts.entries()) {
    const ok = folder === null ? p.length === 1 : p.length === 2 && p[0] === folder;
    const unsafe = p.some((s) => s === '..' || s === '') || /^[A-Za-z]:$/.test(p[0]!);
    if (!ok || unsafe)
      return inside(
        files[k]!.path,
        `unexpected folder: the snapshot's files must all sit at the archive's top level or all in one folder (the first is ${folderText})`,
      );
  }
  const names = parts.map((p) => p[p.length - 1]!);
  const seen = new Set<string>();
  for (const [k, n] of names.entries()) {
    if (seen.has(n)) return inside(files[k]!.path, `the archive holds two files named ${n}`);
    seen.add(n);
  }

  let total = 0;
  for (const f of files) {
    if (f.flags & 1) return inside(f.path, 'the entry is encrypted: save the archive without a password');
    if (f.compression !== 0 && f.compression !== 8)
      return inside(
        f.path,
        `the entry uses compression method ${f.compression}; only stored (0) and deflate (8) are read`,
      );
    if (f.originalSize > limits.entryBytes)
      return inside(
        f.path,
        `the entry declares ${f.originalSize} bytes; entries over ${limits.entryBytes} bytes are refused (unpack the archive and import the files)`,
      );
    total += f.originalSize;
  }
  if (total > limits.totalBytes)
    return at(
      `the archive's files declare ${total} bytes together; more than ${limits.totalBytes} are refused (unpack it and import the files)`,
    );

  // Inflate only what is kept. fflate inflates into a buffer of the declared size, so a lying size cannot make it
  // allocate more; the length and CRC-32 checks below catch the lie.
  const wanted = new Set(files.map((f) => f.index));
  let seenIndex = -1;
  let inflating: Listed | null = null;
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(bytes, {
      filter: () => {
        seenIndex++;
        if (!wanted.has(seenIndex)) return false;
        inflating = listed[seenIndex]!;
        return true;
      },
    });
  } catch (e) {
    const f = inflating as Listed | null;
    return f ? inside(f.path, `the entry is corrupt: ${reason(e)}`) : at(`the zip archive is corrupt: ${reason(e)}`);
  }
  const result: ArchiveEntry[] = [];
  for (const [k, f] of files.entries()) {
    const data = Object.hasOwn(out, f.path) ? out[f.path] : undefined;
    if (!data) return inside(f.path, 'the entry could not be read from the archive');
    if (data.length !== f.originalSize)
      return inside(f.path, `the entry is corrupt: it holds ${data.length} bytes, the archive says ${f.originalSize}`);
    const crc = crc32(data);
    if (crc !== f.crc)
      return inside(
        f.path,
        `the entry is corrupt: its CRC-32 is 0x${crc.toString(16).padStart(8, '0')}, the archive says 0x${f.crc.toString(16).padStart(8, '0')}`,
      );
    result.push({ name: names[k]!, path: f.path, bytes: data });
  }
  return { ok: true, files: result };
}

export type ExpandResult =
  { ok: true; files: ImportFile[]; origins: Map<string, ArchiveOrigin> } | { ok: false; problem: ImportProblem };

/**
 * Each archive among `files` replaced by the files inside it, in its place; loose files pass through as they are
 * (the same objects). `origins` maps an unpacked file's name to its archive, to locate the importers' problems
 * (locateInArchive). A name given twice, by two archives or an archive and a loose file, is refused: which one the
 * importers read would be a guess.
 */
export function expandArchives(files: readonly ImportFile[], limits: ArchiveLimits = ARCHIVE_LIMITS): ExpandResult {
  const out: ImportFile[] = [];
  const origins = new Map<string, ArchiveOrigin>();
  const loose = new Set(files.filter((f) => !looksLikeArchive(f)).map((f) => f.name));
  for (const f of files) {
    if (!looksLikeArchive(f)) {
      out.push(f);
      continue;
    }
    const r = unpackArchive(f, limits);
    if (!r.ok) return r;
    for (const e of r.files) {
      const earlier = origins.get(e.name);
      if (earlier || loose.has(e.name))
        return {
          ok: false,
          problem: {
            file: e.path,
            archive: f.name,
            message: `${e.name} is given twice (also ${earlier ? `inside ${earlier.archive}` : 'as a file of its own'}): import one of them`,
          },
        };
      origins.set(e.name, { archive: f.name, path: e.path });
      out.push({ name: e.name, bytes: e.bytes });
    }
  }
  return { ok: true, files: out, origins };
}
