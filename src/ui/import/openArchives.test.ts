import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportMachineSnapshot } from '../../engine/export/machineExport';
import { packSnapshotArchive } from '../../engine/export/snapshotArchive';
import { Machine } from '../../engine/machine/machine';
import { builtinScenario } from '../../engine/scenario/builtin';
import { QEMU_SAMPLES } from '../../testing/samples';
import { createImportStore } from './importStore';
import { openArchives } from './openArchives';
import { readSnapshot, runImport } from './runImport';

/** The indirect scenario at step 200 (eight indirect tables in flight), exported as loose files. */
function exported() {
  const m = new Machine({ scenario: builtinScenario('indirect')!, seed: 1 });
  while (m.stepCount < 200 && m.stepOnce()) {
    /* stepping */
  }
  const r = exportMachineSnapshot(m, 0);
  if (!r.ok) throw new Error(r.message);
  return r.files;
}
const asFile = (f: { name: string; bytes: Uint8Array }) => new File([f.bytes as BlobPart], f.name);
const noTrace = () => {
  throw new Error('not a trace');
};

describe('importing a snapshot archive on the page', () => {
  const files = exported();
  const zip = new File([packSnapshotArchive(files) as BlobPart], 'sim_vq0_step200.zip');

  it('imports the archive as the loose files: the same snapshot', async () => {
    const fromZip = await runImport([zip], noTrace, () => {});
    const fromLoose = await runImport(files.map(asFile), noTrace, () => {});
    expect(fromZip.ok && fromZip.imported.kind).toBe('snapshot');
    expect(fromZip).toEqual(fromLoose);
  });

  it('reads the archive as the second snapshot of a comparison too', async () => {
    const b = await readSnapshot([zip]);
    const loose = await readSnapshot(files.map(asFile));
    expect(b.ok).toBe(true);
    expect(b).toEqual(loose);
  });

  it('locates a problem in a file inside the archive: the file, its line, and the archive', async () => {
    const bad = files.map((f) =>
      f.name.endsWith('_qmp.json')
        ? {
            ...f,
            bytes: new TextEncoder().encode(
              new TextDecoder().decode(f.bytes).replace('"vring-num": 8', '"vring-num": 9'),
            ),
          }
        : f,
    );
    const entries = Object.fromEntries(bad.map((f) => [f.name, f.bytes]));
    const broken = new File([zipSync(entries) as BlobPart], 'broken.zip');
    for (const r of [await runImport([broken], noTrace, () => {}), await readSnapshot([broken])]) {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.problem).toMatchObject({ file: 'sim_vq0_step200_qmp.json', archive: 'broken.zip' });
      expect(r.problem?.line).toBeGreaterThan(1);
      expect(r.problem?.message).toMatch(/vring-num 9 is not a split-ring size/);
    }
  });

  it('a bad archive is named, and the store keeps what it showed', async () => {
    const store = createImportStore();
    await store.getState().importFiles([zip]);
    const before = store.getState().imported;
    expect(before?.kind).toBe('snapshot');
    await store.getState().importFiles([new File(['hello\n'], 'notes.zip')]);
    expect(store.getState().error).toMatchObject({ file: 'notes.zip', byte: 0 });
    expect(store.getState().error?.message).toMatch(/not a zip archive/);
    expect(store.getState().imported).toBe(before);
    // The second side of a comparison: the same refusal, for an empty archive.
    const empty = await readSnapshot([new File([zipSync({}) as BlobPart], 'empty.zip')]);
    expect(!empty.ok && empty.problem.message).toMatch(/holds no files/);
  });

  it('imports a QEMU trace log zipped on its own', async () => {
    const log = readFileSync(`${QEMU_SAMPLES}/trace-default.log`);
    const store = createImportStore();
    await store.getState().importFiles([new File([zipSync({ 'trace-default.log': log }) as BlobPart], 'trace.zip')]);
    const s = store.getState();
    expect(s.error).toBeNull();
    expect(s.imported?.kind === 'trace' && s.imported.trace.queues[0]!.pops).toBe(457);
  });

  it('without an archive, hands back the very files it was given', async () => {
    const loose = files.map(asFile);
    const r = await openArchives(loose);
    expect(r.ok && r.files.every((f, k) => f === loose[k])).toBe(true);
  });
});
