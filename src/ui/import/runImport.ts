import { locateInArchive } from '../../import/archive/sniff';
import { detectImport } from '../../import/detect';
import { parseSnapshotFiles, type RingSnapshot } from '../../import/snapshot';
import type { ImportFile, ImportProblem } from '../../import/types';
import type { Imported } from './importStore';
import { headOf, openArchives, wholeOf } from './openArchives';
import { parseTraceFile, type OnProgress, type ParseHandle } from './parseTraceFile';

/**
 * Detects and parses the files (loaded on first use, so the importers stay out of the page's first download), a
 * zip archive's as if they had been picked one by one; a problem in one names the archive too.
 * A trace goes to the worker: `onTrace` receives its handle so the store can cancel it.
 */
export async function runImport(
  input: readonly File[],
  onTrace: (handle: ParseHandle, file: File) => void,
  onProgress: OnProgress,
  bases?: Readonly<Record<string, number>>,
): Promise<{ ok: true; imported: Imported } | { ok: false; problem: ImportProblem | null }> {
  const opened = await openArchives(input);
  if (!opened.ok) return opened;
  const at = (p: ImportProblem) => locateInArchive(p, opened.origins);
  const r = await importOpened(opened.files, onTrace, onProgress, bases);
  if (!r.ok) return { ok: false, problem: r.problem && at(r.problem) };
  return { ok: true, imported: { ...r.imported, problem: r.imported.problem && at(r.imported.problem) } };
}

async function importOpened(
  files: readonly File[],
  onTrace: (handle: ParseHandle, file: File) => void,
  onProgress: OnProgress,
  bases?: Readonly<Record<string, number>>,
): Promise<{ ok: true; imported: Imported } | { ok: false; problem: ImportProblem | null }> {
  const heads = await Promise.all(files.map(headOf));
  const d = detectImport(heads);
  if (d.kind === 'unknown') return { ok: false, problem: d.problem };
  if (d.kind === 'snapshot') {
    const r = await parseSnapshot(files, d.files, bases);
    return r.ok ? { ok: true, imported: { kind: 'snapshot', ...r.imported } } : r;
  }
  const file = files.find((f) => f.name === d.file.name)!;
  const handle = parseTraceFile(file, file.name, onProgress);
  onTrace(handle, file);
  const r = await handle.done;
  if (!r.ok) return { ok: false, problem: r.problem.message === 'cancelled' ? null : r.problem };
  // A contradiction on the first event leaves nothing valid to show.
  if (r.partial && r.value.events.length === 0) return { ok: false, problem: r.problem };
  return { ok: true, imported: { kind: 'trace', trace: r.value, problem: r.partial ? r.problem : null } };
}

export type SnapshotRead =
  | { ok: true; imported: { snapshot: RingSnapshot; problem: ImportProblem | null } }
  | { ok: false; problem: ImportProblem };

/**
 * Only a ring snapshot (the second side of a comparison): the same detection, parsing and located problems as
 * an import, and a trace log is refused by name instead of being parsed.
 */
export async function readSnapshot(input: readonly File[]): Promise<SnapshotRead> {
  const opened = await openArchives(input);
  if (!opened.ok) return opened;
  const r = await readOpenedSnapshot(opened.files);
  const at = (p: ImportProblem) => locateInArchive(p, opened.origins);
  if (!r.ok) return { ok: false, problem: at(r.problem) };
  return { ok: true, imported: { ...r.imported, problem: r.imported.problem && at(r.imported.problem) } };
}

async function readOpenedSnapshot(files: readonly File[]): Promise<SnapshotRead> {
  const d = detectImport(await Promise.all(files.map(headOf)));
  if (d.kind === 'unknown') return { ok: false, problem: d.problem };
  if (d.kind === 'trace')
    return {
      ok: false,
      problem: {
        file: d.file.name,
        message:
          'a QEMU trace log cannot be compared with a ring snapshot: choose a snapshot (the status JSON or HMP text and its desc/avail/used .bin dumps)',
      },
    };
  return parseSnapshot(files, d.files);
}

/** `bases`: a guest-physical address the user gave for a dump, by its name (the CLI's --base). */
async function parseSnapshot(
  files: readonly File[],
  detected: readonly ImportFile[],
  bases?: Readonly<Record<string, number>>,
): Promise<SnapshotRead> {
  const named = new Set(detected.map((f) => f.name));
  const read = await Promise.all(files.filter((f) => named.has(f.name)).map(wholeOf));
  const gpaOf = (f: ImportFile) => (bases && Object.hasOwn(bases, f.name) ? bases[f.name] : undefined);
  const r = parseSnapshotFiles(read.map((f) => (gpaOf(f) === undefined ? f : { ...f, gpa: gpaOf(f)! })));
  if (!r.ok) return { ok: false, problem: r.problem };
  return { ok: true, imported: { snapshot: r.value, problem: r.partial ? r.problem : null } };
}
