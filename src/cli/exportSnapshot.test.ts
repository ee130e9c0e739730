import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../engine/machine/machine';
import { builtinScenario } from '../engine/scenario/builtin';
import { describe as describeMachine } from '../engine/view';
import { parseSnapshotFiles } from '../import/snapshot';
import { cliHarness } from './testing/cliHarness';

const { dir, cli } = cliHarness('virtio-viz-export-');

describe('virtio-viz run --export-snapshot', () => {
  it('writes the status JSON, the three areas and the in-flight indirect table, which import reads back', () => {
    const to = join(dir, 'snap');
    const r = cli('run', 'indirect', '--steps', '40', '--export-snapshot', to);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const names = readdirSync(to).sort();
    // The same run in-process: its one outstanding request is INDIRECT, its table at an address of its own.
    const m = new Machine({ scenario: builtinScenario('indirect')!, seed: 1 });
    while (m.stepCount < 40 && m.stepOnce()) {
      /* stepping */
    }
    const q = describeMachine(m).queues[0]!;
    const inAvail = q.avail.ring[q.used.idx % q.size]!;
    const table = q.chains.find((c) => c.head === inAvail)!.indirect!;
    expect(names).toEqual([
      'sim_vq0_step40_avail.bin',
      'sim_vq0_step40_desc.bin',
      `sim_vq0_step40_ind_0x${table.addr.toString(16)}.bin`,
      'sim_vq0_step40_qmp.json',
      'sim_vq0_step40_used.bin',
    ]);
    const files = names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(to, name))) }));
    const parsed = parseSnapshotFiles(files);
    expect(parsed.ok && parsed.value.size).toBe(8);
    expect(parsed.ok && parsed.value.outstanding.length).toBe(1);

    const imported = cli('import', ...names.map((n) => join(to, n)), '--format', 'summary');
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.out) as {
      kind: string;
      ring: { avail: { idx: number } };
      outstanding: {
        head: number;
        indirect: { captured: boolean; table: { addr: string; len: number; flags: string[]; next: number }[] };
      }[];
    };
    expect(summary.kind).toBe('ring-snapshot');
    expect(summary.ring.avail.idx).toBe(1);
    expect(summary.outstanding).toHaveLength(1);
    // The table's entries as the simulation's view decodes them, not "not captured".
    const [only] = summary.outstanding;
    expect(only!.head).toBe(inAvail);
    expect(only!.indirect.captured).toBe(true);
    expect(only!.indirect.table.map((d) => [BigInt(d.addr), d.len, d.next])).toEqual(
      table.entries.map((d) => [d.addr, d.len, d.next]),
    );
  });

  it('says why it cannot write', () => {
    const file = join(dir, 'plain');
    cli('run', 'indirect', '--steps', '1', '--export-snapshot', file);
    const r = cli('run', 'indirect', '--steps', '1', '--export-snapshot', join(file, 'sim_vq0_step1_qmp.json', 'x'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--export-snapshot: cannot write/);
  });
});
