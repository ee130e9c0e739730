import { describe, expect, it } from 'vitest';
import { MemorySnapshotter } from '../../../engine/client/memoryImage';
import { Machine } from '../../../engine/machine/machine';
import { builtinScenario } from '../../../engine/scenario/builtin';
import { describe as describeMachine } from '../../../engine/view';
import { unzipSync } from 'fflate';
import { exportSimulation, exportSimulationArchive, simulationSnapshot } from './fromSimulation';

describe('the UI export of the simulation', () => {
  it('reads the in-flight indirect tables from the memory image, so the comparison shows their entries', () => {
    const m = new Machine({ scenario: builtinScenario('indirect')!, seed: 1 });
    while (m.stepCount < 200 && m.stepOnce()) {
      /* stepping */
    }
    const view = describeMachine(m);
    const image = new MemorySnapshotter().take(m.mem.buffer);
    const r = exportSimulation(view, image, 0);
    if (!r.ok) throw new Error(r.message);
    expect(r.files.filter((f) => /^sim_vq0_step200_ind_0x[0-9a-f]+\.bin$/.test(f.name))).toHaveLength(8);
    const s = simulationSnapshot(view, image, 0);
    if (!s.ok) throw new Error(s.problem.message);
    for (const c of s.value.outstanding) {
      const sim = view.queues[0]!.chains.find((x) => x.head === c.head)!.indirect!;
      expect(c.indirect!.captured).toBe(true);
      expect(c.indirect!.table).toEqual(sim.entries);
    }
  });

  it('packs the export in one archive named like its files, holding exactly those files', async () => {
    const m = new Machine({ scenario: builtinScenario('indirect')!, seed: 1 });
    while (m.stepCount < 200 && m.stepOnce()) {
      /* stepping */
    }
    const view = describeMachine(m);
    const image = new MemorySnapshotter().take(m.mem.buffer);
    const loose = exportSimulation(view, image, 0);
    const zip = await exportSimulationArchive(view, image, 0);
    if (!loose.ok || !zip.ok) throw new Error('no export');
    expect(zip.name).toBe('sim_vq0_step200.zip');
    expect(zip.count).toBe(12);
    const inside = unzipSync(zip.bytes);
    expect(Object.keys(inside)).toEqual(loose.files.map((f) => f.name));
    for (const f of loose.files) expect(inside[f.name]).toEqual(f.bytes);
    expect(await exportSimulationArchive(view, image, 3)).toEqual({
      ok: false,
      message: 'the simulation has no queue 3',
    });
  });
});
