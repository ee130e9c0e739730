import { exportPrefix, exportRingSnapshot, type ExportResult } from '../../../engine/export';
import type { MemoryImage } from '../../../engine/client/memoryImage';
import type { MachineView } from '../../../engine/view';
import { parseSnapshotFiles, type RingSnapshot } from '../../../import/snapshot';
import type { ImportResult } from '../../../import/types';

/** The simulation's queue `q` exported as a real VM's snapshot would be saved (four files, plus one per outstanding indirect table). */
export function exportSimulation(view: MachineView, memory: MemoryImage, q: number): ExportResult {
  const queue = view.queues[q];
  if (!queue) return { ok: false, message: `the simulation has no queue ${q}` };
  return exportRingSnapshot(queue, (addr, len) => memory.slice(addr, addr + len), exportPrefix(queue, view.step));
}

/** The same export, read back by the importer: what the side-by-side view puts next to a real snapshot. */
export function simulationSnapshot(view: MachineView, memory: MemoryImage, q: number): ImportResult<RingSnapshot> {
  const r = exportSimulation(view, memory, q);
  if (!r.ok) return { ok: false, problem: { file: `vq${q}`, message: r.message } };
  return parseSnapshotFiles(r.files);
}

export type ExportedArchive =
  { ok: true; name: string; bytes: Uint8Array; count: number } | { ok: false; message: string };

/**
 * The same export packed in one .zip named like its files (`sim_vq0_step123.zip`), so the browser saves one file
 * however many indirect tables are in flight. The zip code is fetched here, on the first export.
 */
export async function exportSimulationArchive(
  view: MachineView,
  memory: MemoryImage,
  q: number,
): Promise<ExportedArchive> {
  const r = exportSimulation(view, memory, q);
  if (!r.ok) return r;
  const { packSnapshotArchive, snapshotArchiveName } = await import('../../../engine/export/snapshotArchive');
  return {
    ok: true,
    name: snapshotArchiveName(exportPrefix(view.queues[q]!, view.step)),
    bytes: packSnapshotArchive(r.files),
    count: r.files.length,
  };
}
