import { archiveTooLarge, looksLikeArchive, type ArchiveOrigin } from '../../import/archive/sniff';
import type { ImportFile, ImportProblem } from '../../import/types';

export type Opened =
  { ok: true; files: File[]; origins: ReadonlyMap<string, ArchiveOrigin> } | { ok: false; problem: ImportProblem };

/** Enough of each file to tell what it is without reading a large log on the page. */
export const HEAD_BYTES = 64 * 1024;
export const headOf = async (f: File): Promise<ImportFile> => ({
  name: f.name,
  bytes: new Uint8Array(await f.slice(0, HEAD_BYTES).arrayBuffer()),
});
export const wholeOf = async (f: File): Promise<ImportFile> => ({
  name: f.name,
  bytes: new Uint8Array(await f.arrayBuffer()),
});

/**
 * The files to import with each zip archive among them replaced by the files inside it (as File objects, so a
 * trace log inside one goes to the worker like a loose one). The unzipper is loaded only when there is an archive;
 * without one the files come back as they are. An archive over the size limit is refused before it is read.
 */
export async function openArchives(files: readonly File[]): Promise<Opened> {
  const heads = await Promise.all(files.map(headOf));
  const archives = heads.filter(looksLikeArchive);
  if (archives.length === 0) return { ok: true, files: [...files], origins: new Map() };
  for (const [k, h] of heads.entries()) {
    const big = looksLikeArchive(h) ? archiveTooLarge(h.name, files[k]!.size) : null;
    if (big) return { ok: false, problem: big };
  }
  const [{ expandArchives }, read] = await Promise.all([
    import('../../import/archive/unpack'),
    Promise.all(files.map((f, k) => (looksLikeArchive(heads[k]!) ? wholeOf(f) : heads[k]!))),
  ]);
  const r = expandArchives(read);
  if (!r.ok) return r;
  const loose = new Map(read.map((h, k) => [h, files[k]!]));
  return {
    ok: true,
    files: r.files.map((f) => loose.get(f) ?? new File([f.bytes as BlobPart], f.name)),
    origins: r.origins,
  };
}
