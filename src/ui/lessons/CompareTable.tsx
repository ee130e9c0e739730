import { useTranslation } from 'react-i18next';
import type { RunComparison } from '../../engine/compare';
import type { CompareSpec } from '../../lessons/types';
import type { ComparisonState } from './lessonStore';

type Column = 'requests' | 'kicks' | 'interrupts' | 'kicksPerRequest' | 'interruptsPerRequest' | 'traps';
type TimeColumn = 'throughput' | 'meanLatency' | 'p95Latency';

const COLUMNS: Record<CompareSpec['kind'], (Column | TimeColumn)[]> = {
  paravirt: ['requests', 'traps', 'interrupts'],
  notify: ['requests', 'kicks', 'interrupts', 'kicksPerRequest', 'interruptsPerRequest'],
  iothreads: ['requests', 'throughput', 'meanLatency', 'p95Latency', 'interrupts'],
};

interface Row {
  label: string;
  values: Partial<Record<Column | TimeColumn, number>>;
}

/** The table's rows: each run, and for the paravirtualization lesson the modelled emulated controller too. */
function rowsOf(kind: CompareSpec['kind'], runs: RunComparison[], emulatedLabel: string): Row[] {
  const rows: Row[] = runs.map((r) => ({
    label: r.label,
    values: {
      requests: r.requests,
      kicks: r.kicks,
      interrupts: r.interrupts,
      kicksPerRequest: r.kicksPerRequest,
      interruptsPerRequest: r.interruptsPerRequest,
      // A virtio guest traps only on the kick.
      traps: r.kicks,
      throughput: r.throughput,
      meanLatency: r.meanLatency,
      p95Latency: r.p95Latency,
    },
  }));
  if (kind === 'paravirt')
    for (const r of runs)
      rows.push({
        label: emulatedLabel,
        values: { requests: r.requests, traps: r.emulated.traps, interrupts: r.emulated.interrupts },
      });
  return rows;
}

export function CompareTable({ spec, state }: { spec: CompareSpec; state: ComparisonState | null }) {
  const { t, i18n } = useTranslation('lessons');
  if (!state || state.status === 'running') return <p className="lesson-dim">{t('compare.loading')}</p>;
  if (state.status === 'failed')
    return <p className="lesson-error">{t('compare.failed', { message: state.message })}</p>;
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  const columns = COLUMNS[spec.kind];
  const rows = rowsOf(spec.kind, state.rows, t('compare.label.emulated'));
  return (
    <div className="lesson-compare" role="region" aria-labelledby="lesson-compare-title" tabIndex={0}>
      <table>
        <caption id="lesson-compare-title">
          {t('compare.title')} <span className="lesson-dim">{t('compare.caption', { seed: spec.seed ?? 1 })}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('compare.run')}</th>
            {columns.map((c) => (
              <th key={c} scope="col">
                {t(`compare.col.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} data-testid="compare-row">
              <th scope="row">{r.label}</th>
              {columns.map((c) => (
                <td key={c}>{r.values[c] === undefined ? '–' : fmt.format(r.values[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
