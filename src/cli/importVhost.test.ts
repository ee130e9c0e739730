import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vhostFiles } from '../import/snapshot/vhost.testutil';
import { cliHarness } from './testing/cliHarness';

const { dir, cli } = cliHarness('virtio-viz-import-vhost-');

/** Writes a vhost variant of a real sample (status edited as QEMU answers for a vhost device) and its dumps. */
function write(status: 'qmp' | 'hmp', text?: (t: string) => string): string[] {
  return vhostFiles('snap02', 'outside-vhost', status).map((f) => {
    const path = join(dir, f.name);
    const bytes = text && /\.(json|txt)$/.test(f.name) ? text(new TextDecoder().decode(f.bytes)) : f.bytes;
    writeFileSync(path, bytes);
    return path;
  });
}

describe('virtio-viz import of a vhost device snapshot', () => {
  for (const status of ['qmp', 'hmp'] as const)
    it(`${status.toUpperCase()}: exit 0, null for the fields QEMU did not report`, () => {
      const r = cli('import', ...write(status), '--format', 'summary');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const s = JSON.parse(r.out) as {
        device: Record<string, unknown>;
        outstanding: { popped: unknown }[];
        disagreements: { kind: string }[];
      };
      expect(s.device).toMatchObject({
        last_avail_idx: null,
        shadow_avail_idx: null,
        vhost: true,
        not_reported: ['last-avail-idx', 'shadow-avail-idx'],
        used_idx: 807,
      });
      expect(s.outstanding).toHaveLength(160);
      expect(s.outstanding[0]!.popped).toBeNull();
      expect(s.disagreements.filter((d) => d.kind === 'not-reported')).toHaveLength(1);
    });

  it('a present field of the wrong type: file:line on stderr, exit 2', () => {
    const paths = write('qmp', (t) => t.replace('"used-idx": 807', '"used-idx": true'));
    const r = cli('import', ...paths);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    // Line 16: the sample's line 17, one up, as the fixture has no last-avail-idx line above it.
    expect(r.err).toMatch(/^virtio-viz: snap02_outside-vhost_qmp\.json:16: "used-idx" must be an integer/);
  });
});
