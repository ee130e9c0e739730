import { useTranslation } from 'react-i18next';
import { isCurrent, summarizeCounters, type CounterSummary } from '../derive/counters';
import { useSim } from '../store';

const ROWS: { key: keyof CounterSummary; ratio?: boolean }[] = [
  { key: 'requests' },
  { key: 'completed' },
  { key: 'inFlight' },
  { key: 'kicks' },
  { key: 'kicksSuppressed' },
  { key: 'interrupts' },
  { key: 'interruptsSuppressed' },
  { key: 'kicksPerRequest', ratio: true },
  { key: 'interruptsPerRequest', ratio: true },
];

export function Counters() {
  const { t, i18n } = useTranslation();
  const counters = useSim((s) => s.sim?.view.counters ?? null);
  const live = useSim((s) => s.sim?.liveCounters ?? null);
  if (!counters) return null;
  const summary = summarizeCounters(counters);
  const ratio = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  return (
    <section className="panel counters" aria-labelledby="counters-title">
      <h2 id="counters-title" className="panel-title">
        {t('counters.title')}
      </h2>
      <dl>
        {ROWS.map(({ key, ratio: isRatio }) => {
          const value = summary[key];
          const current = isCurrent(key, live);
          const text = !current ? '…' : value === null ? '–' : isRatio ? ratio.format(value) : String(value);
          return (
            <div key={key} className="counter">
              <dt>{t(`counters.${key}`)}</dt>
              <dd data-testid={`counter-${key}`} aria-label={current ? undefined : t('counters.whenPaused')}>
                {text}
              </dd>
            </div>
          );
        })}
      </dl>
      {live !== null && <p className="dim">{t('counters.liveNote')}</p>}
    </section>
  );
}
