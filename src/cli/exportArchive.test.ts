import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cliHarness } from './testing/cliHarness';

const { dir, cli } = cliHarness('virtio-viz-archive-');

describe('virtio-viz with a snapshot archive', () => {
  it('run --export-snapshot FILE.zip writes one archive of the loose files, and import reads it the same', () => {
    const loose = join(dir, 'loose');
    const zip = join(dir, 'out', 'snap.zip');
    expect(cli('run', 'indirect', '--steps', '200', '--export-snapshot', loose).code).toBe(0);
    const r = cli('run', 'indirect', '--steps', '200', '--export-snapshot', zip);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'out'))).toEqual(['snap.zip']);
    const names = readdirSync(loose).sort();
    expect(names).toHaveLength(12); // status, three areas, eight indirect tables
    const inside = unzipSync(new Uint8Array(readFileSync(zip)));
    expect(Object.keys(inside).sort()).toEqual(names);
    for (const n of names) expect(inside[n]).toEqual(new Uint8Array(readFileSync(join(loose, n))));

    const fromZip = cli('import', zip);
    const fromLoose = cli('import', ...names.map((n) => join(loose, n)));
    expect(fromZip.code).toBe(0);
    expect(fromZip.err).toBe('');
    expect(JSON.parse(fromZip.out)).toEqual(JSON.parse(fromLoose.out));
  });

  it('a file that is not a zip: the archive and byte 0 on stderr, exit 2', () => {
    const bad = join(dir, 'bad.zip');
    writeFileSync(bad, 'not a zip\n');
    const r = cli('import', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^virtio-viz: bad\.zip: byte 0: not a zip archive/);
  });

  it('a problem in a file inside the archive names the archive and the file, as archive(member):line', () => {
    const loose = join(dir, 'broken');
    cli('run', 'indirect', '--steps', '40', '--export-snapshot', loose);
    const files: Record<string, Uint8Array> = {};
    for (const n of readdirSync(loose)) files[n] = new Uint8Array(readFileSync(join(loose, n)));
    const json = new TextDecoder().decode(files['sim_vq0_step40_qmp.json']);
    files['sim_vq0_step40_qmp.json'] = new TextEncoder().encode(json.replace('"vring-num": 8', '"vring-num": 12'));
    const zip = join(dir, 'broken.zip');
    writeFileSync(zip, zipSync(files));
    const r = cli('import', zip);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^virtio-viz: broken\.zip\(sim_vq0_step40_qmp\.json\):\d+: vring-num 12 is not a split-ring size/,
    );
  });
});
