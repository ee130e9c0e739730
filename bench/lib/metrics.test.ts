import { describe, expect, it } from 'vitest';
import { formatTable, formatValue, markdownTable, verdict, type Metric } from './metrics';

const metrics: Metric[] = [
  { key: 'ring.native_ops_per_s', value: 2_731_689.3, unit: 'ops/s' },
  { key: 'ring.ratio_node', value: 0.0125, unit: '', target: { op: '>=', value: 0.5 } },
  { key: 'step.median_ms', value: 9.5, unit: 'ms', target: { op: '<=', value: 16.7 } },
  { key: 'load.js_gzip_bytes', value: 215_004, unit: 'B', target: { op: '<=', value: 300_000 } },
];

describe('metrics table', () => {
  it('checks targets in either direction, and leaves untargeted metrics unjudged', () => {
    expect(metrics.map(verdict)).toEqual(['', 'fail', 'pass', 'pass']);
    expect(verdict({ key: 'x', value: 0.5, unit: '', target: { op: '>=', value: 0.5 } })).toBe('pass');
    expect(verdict({ key: 'x', value: 16.7, unit: 'ms', target: { op: '<=', value: 16.7 } })).toBe('pass');
  });

  it('formats numbers with grouping and decimals that suit their size', () => {
    expect(formatValue(2_731_689.3, 'ops/s')).toBe('2,731,689 ops/s');
    expect(formatValue(0.0125, '')).toBe('0.013');
    expect(formatValue(9.5, 'ms')).toBe('9.50 ms');
    expect(formatValue(215_004, 'B')).toBe('215,004 B');
    expect(formatValue(123.45, 'fps')).toBe('123.5 fps');
  });

  it('prints an aligned terminal table with one row per metric', () => {
    const lines = formatTable(metrics).split('\n');
    expect(lines).toHaveLength(2 + metrics.length);
    expect(lines[0]).toMatch(/^metric\s+value\s+target\s+result$/);
    expect(lines[3]).toMatch(/^ring\.ratio_node\s+0\.013\s+≥ 0\.500\s+fail$/);
    // The value column is right-aligned: every row's value ends at the same column.
    const ends = lines
      .slice(2)
      .map(
        (l, i) =>
          l.indexOf(formatValue(metrics[i]!.value, metrics[i]!.unit)) +
          formatValue(metrics[i]!.value, metrics[i]!.unit).length,
      );
    expect(new Set(ends).size).toBe(1);
  });

  it('renders a Markdown table for the README', () => {
    const md = markdownTable(metrics).split('\n');
    expect(md[0]).toBe('| metric | value | target | result |');
    expect(md[1]).toBe('| --- | ---: | ---: | --- |');
    expect(md[4]).toBe('| `step.median_ms` | 9.50 ms | ≤ 16.70 ms | pass |');
  });
});
