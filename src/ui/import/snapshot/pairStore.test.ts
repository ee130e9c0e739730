import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QEMU_SAMPLES } from '../../../testing/samples';
import { createImportStore } from '../importStore';
import { createPairStore } from './pairStore';

const sample = (name: string, bytes?: Uint8Array) =>
  new File([(bytes ?? readFileSync(`${QEMU_SAMPLES}/${name}`)) as BlobPart], name);
const snapshot = (snap: 'snap00' | 'snap02') =>
  ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map((n) => sample(`${snap}_live_${n}`));

async function withA(snap: 'snap00' | 'snap02') {
  const imports = createImportStore();
  await imports.getState().importFiles(snapshot(snap));
  const pair = createPairStore(imports);
  return { imports, pair };
}
const fileOfA = (imports: ReturnType<typeof createImportStore>) => {
  const i = imports.getState().imported;
  return i?.kind === 'snapshot' ? i.snapshot.statusFile : null;
};

describe('the second snapshot (B) of a comparison', () => {
  it('loads B beside A, swaps them, and clears either side', async () => {
    const { imports, pair } = await withA('snap00');
    await pair.getState().loadSecond(snapshot('snap02'));
    expect(pair.getState().error).toBeNull();
    expect(pair.getState().loading).toBe(false);
    expect(pair.getState().second?.snapshot.avail.idx).toBe(968);
    expect(fileOfA(imports)).toBe('snap00_live_qmp.json');

    pair.getState().swap();
    expect(fileOfA(imports)).toBe('snap02_live_qmp.json');
    expect(pair.getState().second?.snapshot.statusFile).toBe('snap00_live_qmp.json');
    expect(imports.getState().view).toBe('import');

    pair.getState().clearSecond();
    expect(pair.getState().second).toBeNull();
    expect(fileOfA(imports)).toBe('snap02_live_qmp.json');

    await pair.getState().loadSecond(snapshot('snap00'));
    pair.getState().clearFirst();
    expect(fileOfA(imports)).toBe('snap00_live_qmp.json');
    expect(pair.getState().second).toBeNull();
  });

  it('bad files for B give a located problem and change nothing else', async () => {
    const { imports, pair } = await withA('snap00');
    await pair.getState().loadSecond(snapshot('snap02'));
    const before = { imported: imports.getState().imported, second: pair.getState().second };

    const truncated = readFileSync(`${QEMU_SAMPLES}/snap02_live_used.bin`).subarray(0, 2000);
    const bad = snapshot('snap02').map((f) => (f.name.endsWith('used.bin') ? sample(f.name, truncated) : f));
    await pair.getState().loadSecond(bad);
    expect(pair.getState().error).toMatchObject({ file: 'snap02_live_used.bin', byte: 2000 });
    expect(pair.getState().error?.message).toMatch(/truncated/);
    expect(pair.getState().second).toBe(before.second);
    expect(imports.getState().imported).toBe(before.imported);
    expect(imports.getState().error).toBeNull();

    await pair.getState().loadSecond([new File(['hello\n'], 'notes.txt')]);
    expect(pair.getState().error).toMatchObject({ file: 'notes.txt', line: 1 });
    pair.getState().dismissError();
    expect(pair.getState().error).toBeNull();
    expect(pair.getState().second).toBe(before.second);
  });

  it('refuses a trace log as B by its name, without parsing it', async () => {
    const { imports, pair } = await withA('snap02');
    await pair.getState().loadSecond([sample('trace-default.log')]);
    expect(pair.getState().error).toMatchObject({ file: 'trace-default.log' });
    expect(pair.getState().error?.message).toMatch(/trace log cannot be compared/);
    expect(pair.getState().second).toBeNull();
    expect(fileOfA(imports)).toBe('snap02_live_qmp.json');
  });

  it('keeps B when a new snapshot becomes A, and ends the comparison when a trace is imported', async () => {
    const { imports, pair } = await withA('snap00');
    await pair.getState().loadSecond(snapshot('snap02'));
    await imports.getState().importFiles(snapshot('snap02'));
    expect(pair.getState().second?.snapshot.statusFile).toBe('snap02_live_qmp.json');
    await imports.getState().importFiles([sample('trace-default.log')]);
    expect(imports.getState().imported?.kind).toBe('trace');
    expect(pair.getState().second).toBeNull();
    // Nothing to swap with or clear into without both sides.
    pair.getState().swap();
    pair.getState().clearFirst();
    expect(imports.getState().imported?.kind).toBe('trace');
  });
});
