import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshotFiles } from '../import/snapshot';
import { cliHarness } from './testing/cliHarness';

const { dir, cli } = cliHarness('virtio-viz-export-');

describe('virtio-viz run --export-snapshot', () => {
  it('writes the status JSON and the three areas, which import reads back', () => {
    const to = join(dir, 'snap');
    const r = cli('run', 'indirect', '--steps', '40', '--export-snapshot', to);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const names = readdirSync(to).sort();
    expect(names).toEqual([
      'sim_vq0_step40_avail.bin',
      'sim_vq0_step40_desc.bin',
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
      outstanding: unknown[];
    };
    expect(summary.kind).toBe('ring-snapshot');
    expect(summary.ring.avail.idx).toBe(1);
    expect(summary.outstanding).toHaveLength(1);
  });

  it('says why it cannot write', () => {
    const file = join(dir, 'plain');
    cli('run', 'indirect', '--steps', '1', '--export-snapshot', file);
    const r = cli('run', 'indirect', '--steps', '1', '--export-snapshot', join(file, 'sim_vq0_step1_qmp.json', 'x'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--export-snapshot: cannot write/);
  });
});
