import { describe as group, expect, it } from 'vitest';
import { Machine } from '../machine/machine';
import { builtinScenario } from '../scenario/builtin';
import { describe } from '../view';
import { parseSnapshotFiles } from '../../import/snapshot';
import { exportMachineSnapshot } from './machineExport';
import { exportRingSnapshot, qmpQueueStatus } from './snapshotExport';

const run = (name: string, steps: number, seed = 1) => {
  const m = new Machine({ scenario: builtinScenario(name)!, seed });
  while (m.stepCount < steps && m.stepOnce()) {
    /* stepping */
  }
  return m;
};

group('exporting a simulated ring as a snapshot', () => {
  it('writes QMP field names exactly, and the three areas at the ring addresses', () => {
    const m = run('indirect', 40);
    const r = exportMachineSnapshot(m, 0, 'x');
    if (!r.ok) throw new Error(r.message);
    expect(r.files.map((f) => [f.name, f.bytes.length])).toEqual([
      ['x_qmp.json', expect.any(Number)],
      ['x_desc.bin', 16 * 8],
      ['x_avail.bin', 6 + 2 * 8],
      ['x_used.bin', 6 + 8 * 8],
      // The one outstanding request's indirect table (3 entries), named by its address.
      [expect.stringMatching(/^x_ind_0x[0-9a-f]+\.bin$/), 3 * 16],
    ]);
    const json = JSON.parse(new TextDecoder().decode(r.files[0]!.bytes)) as { return: Record<string, unknown> };
    expect(Object.keys(json.return).sort()).toEqual(
      [
        'name',
        'queue-index',
        'inuse',
        'vring-num',
        'vring-num-default',
        'vring-align',
        'vring-desc',
        'vring-avail',
        'vring-used',
        'last-avail-idx',
        'shadow-avail-idx',
        'used-idx',
        'signalled-used',
        'signalled-used-valid',
      ].sort(),
    );
    const q = describe(m).queues[0]!;
    expect(json.return['vring-desc']).toBe(q.addrs.desc);
    expect(json.return['last-avail-idx']).toBe(q.device!.last_avail_idx);
  });

  for (const [name, steps, seed] of [
    ['indirect', 40, 1],
    ['indirect', 200, 1],
    ['indirect', 400, 1],
    ['random-soak', 3000, 7],
    ['index-wrap', 250, 1],
    ['out-of-order', 120, 3],
  ] as const) {
    it(`round trip: ${name} at step ${steps} decodes to the same ring`, () => {
      const m = run(name, steps, seed);
      const view = describe(m);
      for (const q of view.queues) {
        const r = exportMachineSnapshot(m, q.index);
        if (!r.ok) throw new Error(r.message);
        const back = parseSnapshotFiles(r.files);
        if (!back.ok) throw new Error(back.problem.message);
        const s = back.value;
        expect(back.partial).toBe(false);
        expect(s.size).toBe(q.size);
        expect(s.addrs).toEqual({ desc: q.addrs.desc, avail: q.addrs.avail, used: q.addrs.used });
        expect(s.desc.map(({ addr, len, flags, next }) => ({ addr, len, flags, next }))).toEqual(
          q.desc.map(({ addr, len, flags, next }) => ({ addr, len, flags, next })),
        );
        expect(s.avail).toEqual(q.avail);
        expect(s.used).toEqual(q.used);
        const d = q.device!;
        expect(s.status).toMatchObject({
          queue_index: d.queue_index,
          inuse: d.inuse,
          last_avail_idx: d.last_avail_idx,
          shadow_avail_idx: d.shadow_avail_idx,
          used_idx: d.used_idx,
          signalled_used: d.signalled_used,
          signalled_used_valid: d.signalled_used_valid,
          vring: { num: d.vring.num, desc: d.vring.desc, avail: d.vring.avail, used: d.vring.used },
        });
        // Every outstanding head is a chain the driver has in flight, with the same descriptors.
        const chains = new Map(q.chains.map((c) => [c.head, c]));
        for (const c of s.outstanding) {
          expect(chains.get(c.head)?.descs).toEqual(c.descs);
          expect(c.indirect !== null).toBe(chains.get(c.head)!.indirect !== null);
          // The table came along: the importer reads the same entries the simulation's view shows.
          if (c.indirect) {
            expect(c.indirect.captured).toBe(true);
            expect(c.indirect.table).toEqual(chains.get(c.head)!.indirect!.entries);
          }
        }
      }
    });
  }

  it('a queue the device has not set up cannot be exported', () => {
    const m = new Machine({ scenario: builtinScenario('indirect')!, seed: 1 });
    const q = { ...describe(m).queues[0]!, device: null };
    expect(qmpQueueStatus(q)).toBeNull();
    expect(exportRingSnapshot(q, () => new Uint8Array(), 'p')).toMatchObject({ ok: false });
    expect(exportMachineSnapshot(m, 5)).toMatchObject({ ok: false });
  });
});
