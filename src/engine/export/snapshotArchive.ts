import { zipSync, type Zippable } from 'fflate';
import type { ExportedFile } from './snapshotExport';

/**
 * One .zip holding an export's files at its top level, under the names they have as loose files (so unzipping it
 * gives what `run --export-snapshot DIR` writes, and the importers read either). Deflated: the areas of a ring
 * that is mostly empty shrink to little. This module loads fflate: the page imports it only when exporting.
 */
export function packSnapshotArchive(files: readonly ExportedFile[], mtime: Date = new Date()): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) {
    // Two files of one name would make an archive the importer refuses; the exporter never names two alike.
    if (Object.hasOwn(entries, f.name)) throw new Error(`two exported files are named ${f.name}`);
    entries[f.name] = f.bytes;
  }
  return zipSync(entries, { level: 6, mtime });
}

/** `sim_vq0_step123.zip`: the archive of an export whose files are named `<prefix>_…`. */
export const snapshotArchiveName = (prefix: string): string => `${prefix}.zip`;
