import { detectImport } from '../../import/detect';
import { parseSnapshotFiles } from '../../import/snapshot';
import type { ImportFile, ImportProblem } from '../../import/types';
import type { Imported } from './importStore';
import { parseTraceFile, type OnProgress, type ParseHandle } from './parseTraceFile';

/**
 * Detects and parses the files (loaded on first use, so the importers stay out of the page's first download).
 * A trace goes to the worker: `onTrace` receives its handle so the store can cancel it.
 */
export async function runImport(
  files: readonly File[],
  onTrace: (handle: ParseHandle, file: File) => void,
  onProgress: OnProgress,
): Promise<{ ok: true; imported: Imported } | { ok: false; problem: ImportProblem | null }> {
  const heads = await Promise.all(files.map(headOf));
  const d = detectImport(heads);
  if (d.kind === 'unknown') return { ok: false, problem: d.problem };
  if (d.kind === 'snapshot') {
    const named = new Set(d.files.map((f) => f.name));
    const r = parseSnapshotFiles(await Promise.all(files.filter((f) => named.has(f.name)).map(whole)));
    if (!r.ok) return { ok: false, problem: r.problem };
    return { ok: true, imported: { kind: 'snapshot', snapshot: r.value, problem: r.partial ? r.problem : null } };
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

/** Enough of each file to tell a trace from a snapshot without reading a large log on the page. */
const HEAD = 64 * 1024;
const headOf = async (f: File): Promise<ImportFile> => ({
  name: f.name,
  bytes: new Uint8Array(await f.slice(0, HEAD).arrayBuffer()),
});
const whole = async (f: File): Promise<ImportFile> => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
