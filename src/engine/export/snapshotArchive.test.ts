import { unzipSync } from 'fflate';
import { describe as group, expect, it } from 'vitest';
import { Machine } from '../machine/machine';
import { builtinScenario } from '../scenario/builtin';
import { validateScenario } from '../scenario/validate';
import type { Scenario } from '../scenario/schema';
import { describe } from '../view';
import { expandArchives } from '../../import/archive/unpack';
import { importFiles } from '../../import/detect';
import { parseSnapshotFiles } from '../../import/snapshot';
import { exportMachineSnapshot } from './machineExport';
import { packSnapshotArchive, snapshotArchiveName } from './snapshotArchive';

const run = (scenario: Scenario, until: (m: Machine) => boolean) => {
  const m = new Machine({ scenario, seed: 1 });
  while (!until(m) && m.stepOnce()) {
    /* stepping */
  }
  return m;
};

/** The indirect scenario on a 256-entry queue with 240 requests and a slow disk: hundreds of tables in flight. */
function manyIndirect(): Scenario {
  const doc = {
    ...builtinScenario('indirect')!,
    name: 'indirect-many',
    queue: { size: 256 },
    device: { latency: 100_000 },
    workload: {
      ops: [
        { op: 'write', sector: 64, sectors: 8, count: 120 },
        { op: 'read', sector: 64, sectors: 8, count: 120 },
      ],
    },
  };
  const r = validateScenario(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

/** Export → one archive → unpack → the importer; and the same files imported loose. */
function roundTrip(m: Machine) {
  const exported = exportMachineSnapshot(m, 0);
  if (!exported.ok) throw new Error(exported.message);
  const zip = packSnapshotArchive(exported.files, new Date(2026, 0, 1));
  const unpacked = expandArchives([{ name: snapshotArchiveName(`sim_vq0_step${m.stepCount}`), bytes: zip }]);
  if (!unpacked.ok) throw new Error(unpacked.problem.message);
  return { files: exported.files, zip, unpacked: unpacked.files };
}

group('a snapshot export packed in one archive', () => {
  it('holds exactly the loose files, at the top level, and imports to the same decoded queue', () => {
    const m = run(builtinScenario('indirect')!, (x) => x.stepCount >= 200);
    const { files, zip, unpacked } = roundTrip(m);
    expect(Object.keys(unzipSync(zip))).toEqual(files.map((f) => f.name));
    expect(unpacked).toEqual(files);
    const loose = parseSnapshotFiles(files);
    const archived = parseSnapshotFiles(unpacked);
    if (!loose.ok || !archived.ok) throw new Error('the export did not import');
    expect(archived).toEqual(loose);
    expect(archived.value.outstanding.filter((c) => c.indirect?.captured)).toHaveLength(8);
    // And the decoded ring is the simulation's.
    const q = describe(m).queues[0]!;
    expect(archived.value.avail.idx).toBe(q.avail.idx);
    expect(archived.value.used.idx).toBe(q.used.idx);
  });

  it('carries hundreds of indirect tables in one file, and the import shows every one captured', () => {
    const m = run(manyIndirect(), (x) => {
      const q = describe(x).queues[0];
      return !!q && ((q.avail.idx - q.used.idx) & 0xffff) >= 200;
    });
    const { files, zip, unpacked } = roundTrip(m);
    const tables = files.filter((f) => /_ind_0x[0-9a-f]+\.bin$/.test(f.name));
    expect(tables.length).toBeGreaterThanOrEqual(200);
    expect(Object.keys(unzipSync(zip))).toHaveLength(files.length);
    const outcome = importFiles(unpacked);
    if (outcome.kind !== 'snapshot' || !outcome.result.ok) throw new Error('the archive did not import');
    const loose = parseSnapshotFiles(files);
    expect(outcome.result).toEqual(loose);
    const chains = outcome.result.value.outstanding;
    expect(chains.length).toBeGreaterThanOrEqual(200);
    expect(chains.every((c) => c.indirect?.captured)).toBe(true);
  });

  it('refuses to pack two files of one name', () => {
    const f = { name: 'x_desc.bin', bytes: new Uint8Array(16) };
    expect(() => packSnapshotArchive([f, f])).toThrow(/two exported files are named x_desc\.bin/);
  });
});
