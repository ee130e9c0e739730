import type { ImportFile, ImportProblem } from '../types';

/**
 * Limits on what an archive may unpack to. The largest area a split ring has is its descriptor table, 512 KiB at
 * 32768 entries; a status file with an element query per outstanding head stays in the tens of MiB, and so does a
 * pmemsave of guest memory holding indirect tables. An entry declaring more than `entryBytes`, or entries declaring
 * more than `totalBytes` together, are refused before anything is inflated, so a small archive cannot make the page
 * allocate gigabytes. `entries` fits a fully outstanding 32768-entry queue with an indirect table per head (four
 * files plus 32768), and is what a zip without zip64 can count.
 */
export const ARCHIVE_LIMITS = {
  entryBytes: 64 * 1024 * 1024,
  totalBytes: 256 * 1024 * 1024,
  entries: 65535,
} as const;
export type ArchiveLimits = { readonly [K in keyof typeof ARCHIVE_LIMITS]: number };

/** Local file header, or the end of central directory record that an empty archive consists of. */
const startsLikeZip = (b: Uint8Array) =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));

/**
 * A zip archive to unpack: named `.zip`, or starting with a zip signature. A `.bin` is always a pmemsave dump,
 * whatever its first bytes (a descriptor's address can spell "PK\3\4").
 */
export function looksLikeArchive(f: ImportFile): boolean {
  if (/\.zip$/i.test(f.name)) return true;
  if (/\.bin$/i.test(f.name)) return false;
  return startsLikeZip(f.bytes);
}

/** An archive too large to read at all (checked on its size before its bytes are loaded). */
export function archiveTooLarge(
  name: string,
  size: number,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): ImportProblem | null {
  return size > limits.totalBytes
    ? {
        file: name,
        message: `the archive is ${size} bytes; archives over ${limits.totalBytes} bytes are refused (unpack it and import the files)`,
      }
    : null;
}

/** Where an unpacked file came from: the archive's name and the entry's path inside it. */
export interface ArchiveOrigin {
  archive: string;
  path: string;
}

/**
 * A problem the importers found in a file that came out of an archive, located there: the entry's path inside it
 * and the archive's name. Problems in loose files, or already located, are returned as they are.
 */
export function locateInArchive(problem: ImportProblem, origins: ReadonlyMap<string, ArchiveOrigin>): ImportProblem {
  if (problem.archive !== undefined) return problem;
  const o = origins.get(problem.file);
  return o ? { ...problem, file: o.path, archive: o.archive } : problem;
}
