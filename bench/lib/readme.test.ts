import { describe, expect, it } from 'vitest';
import { README_END, README_START, noiseRemark, readmeBlock, replaceReadmeBlock } from './readme';

const machine = {
  cpu: 'AMD EPYC',
  cores: 2,
  memoryBytes: 24 * 2 ** 30,
  os: 'Linux 6.1 x64',
  node: 'v20.20.2',
  chromium: '156.0.1',
  cc: 'cc (Debian 12.2.0-14) 12.2.0',
  loadAverage: [3.5, 2, 1],
};

describe('README benchmark block', () => {
  const block = readmeBlock({
    date: '2026-11-25T17:05:00.000Z',
    machine,
    metrics: [{ key: 'freerun.fps', value: 58.2, unit: 'fps', target: { op: '>=', value: 55 } }],
    remark: 'Other work was running.',
  });

  it('names the machine and the run, then the table', () => {
    expect(block.startsWith(README_START)).toBe(true);
    expect(block.endsWith(README_END)).toBe(true);
    expect(block).toContain('Run of 2026-11-25 17:05 UTC on: AMD EPYC, 2 cores, 24 GiB');
    expect(block).toContain('Other work was running.');
    expect(block).toContain('| `freerun.fps` | 58.20 fps | ≥ 55 fps | pass |');
  });

  it('replaces only what is between the markers', () => {
    const readme = `# Title\n\n## Benchmarks\n\n${README_START}\nold\n${README_END}\n\n## License\n`;
    const out = replaceReadmeBlock(readme, block);
    expect(out.startsWith('# Title\n\n## Benchmarks\n\n')).toBe(true);
    expect(out.endsWith('\n\n## License\n')).toBe(true);
    expect(out).not.toContain('\nold\n');
    expect(replaceReadmeBlock(out, block)).toBe(out);
    expect(() => replaceReadmeBlock('# no block', block)).toThrow(/no/);
  });

  it('warns about a busy machine when the load exceeded the cores at the start, or twice the cores at the end', () => {
    expect(noiseRemark({ ...machine, loadAverage: [1.5, 1, 1] })).toBeUndefined();
    // The bench's own threads and browser: a load near the core count as it ends is the bench itself.
    expect(noiseRemark({ ...machine, loadAverage: [0.3, 1, 1], loadAverageAfter: [2.33, 1.7, 2] })).toBeUndefined();
    expect(noiseRemark({ ...machine, loadAverage: [2.5, 1, 1], loadAverageAfter: [1, 1, 1] })).toContain(
      'the load average reached 2.5 on 2 cores',
    );
    expect(noiseRemark({ ...machine, loadAverage: [1.5, 1, 1], loadAverageAfter: [19.4, 18, 15] })).toContain(
      'the load average reached 19.4 on 2 cores',
    );
  });
});
