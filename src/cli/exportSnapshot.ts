import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportMachineSnapshot } from '../engine/export/machineExport';
import type { Machine } from '../engine/machine/machine';
import { CliError } from './loadScenario';

/**
 * `run … --export-snapshot DIR`: the queue's ring as a real VM's snapshot would be saved (status JSON in
 * `x-query-virtio-queue-status` form plus the three pmemsave areas), so `virtio-viz import` and the UI read it back.
 */
export function writeSnapshotExport(machine: Machine, dir: string, queue = 0): string[] {
  const r = exportMachineSnapshot(machine, queue);
  if (!r.ok) throw new CliError(`--export-snapshot: ${r.message}`);
  try {
    mkdirSync(dir, { recursive: true });
    return r.files.map((f) => {
      const path = join(dir, f.name);
      writeFileSync(path, f.bytes);
      return path;
    });
  } catch (e) {
    throw new CliError(`--export-snapshot: cannot write to ${dir}: ${(e as Error).message}`);
  }
}
