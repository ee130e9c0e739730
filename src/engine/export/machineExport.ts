import type { Machine } from '../machine/machine';
import { describe } from '../view';
import { exportPrefix, exportRingSnapshot, type ExportResult } from './snapshotExport';

/** Exports queue `q` of a machine (the CLI's `run --export-snapshot`). Reads memory without recording a step. */
export function exportMachineSnapshot(m: Machine, q = 0, prefix?: string): ExportResult {
  const queue = describe(m).queues[q];
  if (!queue) return { ok: false, message: `the device has no queue ${q}` };
  return exportRingSnapshot(
    queue,
    (addr, len) => m.mem.window(addr, len).slice(),
    prefix ?? exportPrefix(queue, m.stepCount),
  );
}
