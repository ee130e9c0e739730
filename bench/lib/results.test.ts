import { describe, expect, it } from 'vitest';
import type { Metric } from './metrics';
import { REQUIRED_KEYS, buildResults, getPath, setPath, validateResults, type MachineInfo } from './results';

const machine: MachineInfo = {
  cpu: 'AMD EPYC',
  cores: 2,
  memoryBytes: 24e9,
  os: 'linux 6.1',
  node: 'v20.20.2',
  chromium: '156.0',
  cc: 'gcc 12.2',
  loadAverage: [3.5, 2.4, 2.3],
};

const full: Metric[] = REQUIRED_KEYS.map((key, i) => ({
  key,
  value: i + 0.5,
  unit: 'x',
  ...(key === 'ring.ratio_node' ? { target: { op: '>=' as const, value: 0.5 } } : {}),
}));

const build = (metrics: Metric[], parts = ['ring']) =>
  buildResults({
    date: new Date('2026-11-25T17:00:00Z'),
    parts,
    durationSeconds: 12,
    machine,
    metrics,
    details: { ring: { runs: [] } },
  });

describe('results.json', () => {
  it('puts every metric at its dotted path and keeps the list with verdicts', () => {
    const doc = build(full, ['ring', 'step']);
    expect(validateResults(doc, true)).toEqual([]);
    expect(getPath(doc, 'ring.native_ops_per_s')).toBe(0.5);
    expect(getPath(doc, 'load.js_gzip_bytes')).toBe(REQUIRED_KEYS.length - 0.5);
    expect(doc.metrics.find((m) => m.key === 'ring.ratio_node')?.result).toBe('pass');
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('reports each required key a full run lacks, but lets a partial run hold only its part', () => {
    const doc = build(full.filter((m) => m.key.startsWith('ring.')));
    expect(validateResults(doc, false)).toEqual([]);
    const problems = validateResults(doc, true);
    expect(problems).toContain('step.median_ms: missing or not a finite number');
    expect(problems).toContain('load.js_gzip_bytes: missing or not a finite number');
    expect(problems.some((p) => p.startsWith('ring.'))).toBe(false);
  });

  it('refuses a document without machine information or with a value that disagrees with its list', () => {
    const doc = build(full) as Record<string, unknown>;
    expect(validateResults({ ...doc, machine: { cpu: '' } }, true).some((p) => p.startsWith('machine'))).toBe(true);
    const edited = JSON.parse(JSON.stringify(doc));
    edited.ring.ratio_node = 99;
    expect(validateResults(edited, true)).toContain('ring.ratio_node: the tree and the metric list disagree');
  });

  it('never measures one key twice, nor hangs a value under a number', () => {
    const tree: Record<string, unknown> = {};
    setPath(tree, 'a.b', 1);
    expect(() => setPath(tree, 'a.b', 2)).toThrow(/twice/);
    expect(() => setPath(tree, 'a.b.c', 2)).toThrow(/already holds/);
    expect(getPath(tree, 'a.b')).toBe(1);
    expect(getPath(tree, 'a.x.y')).toBeUndefined();
  });
});
