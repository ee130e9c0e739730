import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportMachineSnapshot } from '../engine/export/machineExport';
import { packSnapshotArchive } from '../engine/export/snapshotArchive';
import type { Machine } from '../engine/machine/machine';
import { CliError } from './loadScenario';

/** A path ending in `.zip` gets one archive of the files; any other path is a directory for them. */
export const isArchivePath = (path: string): boolean => /\.zip$/i.test(path);

/**
 * `run … --export-snapshot DIR|FILE.zip`: the queue's ring as a real VM's snapshot would be saved (status JSON in
 * `x-query-virtio-queue-status` form, the three pmemsave areas and each outstanding indirect table), as loose files
 * in DIR or in one zip archive (what the UI saves), so `virtio-viz import` and the UI read it back.
 */
export function writeSnapshotExport(machine: Machine, to: string, queue = 0): string[] {
  const r = exportMachineSnapshot(machine, queue);
  if (!r.ok) throw new CliError(`--export-snapshot: ${r.message}`);
  try {
    if (isArchivePath(to)) {
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, packSnapshotArchive(r.files));
      return [to];
    }
    mkdirSync(to, { recursive: true });
    return r.files.map((f) => {
      const path = join(to, f.name);
      writeFileSync(path, f.bytes);
      return path;
    });
  } catch (e) {
    throw new CliError(`--export-snapshot: cannot write to ${to}: ${(e as Error).message}`);
  }
}
