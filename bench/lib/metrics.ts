/** One measured number, with the target it is checked against (if any). */
export interface Target {
  op: '>=' | '<=';
  value: number;
}

export interface Metric {
  /** Dotted path in results.json, e.g. `ring.ratio_node`. */
  key: string;
  value: number;
  unit: string;
  target?: Target;
  /** How it was measured, in a few words (printed under the table). */
  note?: string;
}

export type Verdict = 'pass' | 'fail' | '';

export function verdict(m: Metric): Verdict {
  if (!m.target) return '';
  const ok = m.target.op === '>=' ? m.value >= m.target.value : m.value <= m.target.value;
  return ok ? 'pass' : 'fail';
}

/** Numbers as a person reads them: thousands grouped, a sensible number of decimals for the unit. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const decimals = Number.isInteger(value) ? 0 : abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return unit === '' ? text : `${text} ${unit}`;
}

export function formatTarget(m: Metric): string {
  if (!m.target) return '';
  return `${m.target.op === '>=' ? '≥' : '≤'} ${formatValue(m.target.value, m.unit)}`;
}

const rowsOf = (metrics: readonly Metric[]): string[][] =>
  metrics.map((m) => [m.key, formatValue(m.value, m.unit), formatTarget(m), verdict(m)]);

const HEADER = ['metric', 'value', 'target', 'result'];

/** A plain-text table for the terminal: columns padded, numbers right-aligned. */
export function formatTable(metrics: readonly Metric[]): string {
  const rows = [HEADER, ...rowsOf(metrics)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === 1 || c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The same table in Markdown, for the README. */
export function markdownTable(metrics: readonly Metric[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = rowsOf(metrics).map((r) => [`\`${r[0]}\``, r[1]!, r[2]!, r[3]!]);
  return [
    `| ${HEADER.join(' | ')} |`,
    '| --- | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
