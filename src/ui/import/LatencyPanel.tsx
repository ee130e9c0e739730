import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TraceHistory } from '../../import/trace/history';
import { latencyStats, requestsOnNoQueue } from '../../import/trace/query';
import { formatUs } from './format';

/** Pop → completion latency over the queue's completed requests: a few numbers and a log-scale histogram. */
export function LatencyPanel({ trace, queue }: { trace: TraceHistory; queue: number }) {
  const { t } = useTranslation('import');
  const stats = useMemo(() => latencyStats(trace, queue), [trace, queue]);
  const noQueue = useMemo(() => requestsOnNoQueue(trace), [trace]);
  const beforeTrace = trace.queues[queue]?.beforeTrace.requests ?? 0;
  return (
    <section className="vr-panel imp-latency" aria-labelledby="imp-latency-title">
      <h3 id="imp-latency-title" className="vr-panel-title">
        {t('latency.title')}
      </h3>
      {!stats ? (
        <p className="vr-note">{trace.hasTimestamps ? t('latency.none') : t('latency.noTimestamps')}</p>
      ) : (
        <>
          <dl className="imp-stats">
            {(
              [
                ['median', stats.medianUs],
                ['p95', stats.p95Us],
                ['min', stats.minUs],
                ['max', stats.maxUs],
              ] as const
            ).map(([key, v]) => (
              <div key={key}>
                <dt>{t(`latency.${key}`)}</dt>
                <dd data-testid={`latency-${key}`}>{formatUs(v)}</dd>
              </div>
            ))}
          </dl>
          <ol className="imp-histogram" aria-label={t('latency.histogram', { count: stats.count })}>
            {stats.histogram.map((count, i) => {
              const top = Math.max(...stats.histogram, 1);
              return (
                <li key={i} title={`${formatUs(stats.edgesUs[i]!)} – ${formatUs(stats.edgesUs[i + 1]!)}: ${count}`}>
                  <span className="imp-bar" style={{ height: `${(count / top) * 100}%` }} />
                  <span className="sr-only">
                    {formatUs(stats.edgesUs[i]!)} – {formatUs(stats.edgesUs[i + 1]!)}: {count}
                  </span>
                </li>
              );
            })}
          </ol>
          <p className="vr-note">
            {t('latency.axis', { from: formatUs(stats.edgesUs[0]!), to: formatUs(stats.edgesUs.at(-1)!) })}
          </p>
        </>
      )}
      {beforeTrace + noQueue > 0 && (
        // Said, not silently left out: these requests are real, only their pop (the chart's start) is not in the trace.
        <p className="vr-note" data-testid="latency-left-out">
          {beforeTrace > 0 && t('latency.beforeTrace', { count: beforeTrace })}
          {beforeTrace > 0 && noQueue > 0 && ' '}
          {noQueue > 0 && t('latency.noQueue', { count: noQueue })}
        </p>
      )}
    </section>
  );
}
