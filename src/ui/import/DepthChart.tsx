import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { area, curveStepAfter } from 'd3-shape';
import type { TraceHistory } from '../../import/trace/history';
import { depthSeries, resetEvents } from '../../import/trace/query';

const M = { left: 40, right: 12, top: 10, bottom: 24 };
const HEIGHT = 150;

/** Requests in flight on the queue over the trace's events (each point the most in its span), and a cursor. */
export function DepthChart({
  trace,
  queue,
  selected,
  onSelect,
}: {
  trace: TraceHistory;
  queue: number;
  selected: number;
  onSelect: (event: number) => void;
}) {
  const { t } = useTranslation('import');
  const box = useRef<HTMLDivElement>(null);
  const xAxis = useRef<SVGGElement>(null);
  const yAxis = useRef<SVGGElement>(null);
  const [width, setWidth] = useState(640);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(Math.max(240, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const inner = width - M.left - M.right;
  const points = useMemo(() => depthSeries(trace, queue, Math.max(16, Math.floor(inner))), [trace, queue, inner]);
  const n = Math.max(1, trace.events.length);
  const resets = useMemo(() => resetEvents(trace), [trace]);
  const maxDepth = Math.max(1, ...points.map((p) => p.max));
  const x = scaleLinear()
    .domain([0, n])
    .range([M.left, width - M.right]);
  const y = scaleLinear()
    .domain([0, maxDepth])
    .range([HEIGHT - M.bottom, M.top])
    .nice();
  const path =
    area<{ at: number; max: number }>()
      .x((p) => x(p.at))
      .y0(y(0))
      .y1((p) => y(p.max))
      .curve(curveStepAfter)(points) ?? '';

  useEffect(() => {
    if (xAxis.current) {
      select(xAxis.current).call(
        axisBottom(x)
          .ticks(Math.max(2, Math.floor(inner / 90)))
          .tickFormat((d) => String(d)),
      );
    }
    if (yAxis.current)
      select(yAxis.current).call(
        axisLeft(y)
          .ticks(4)
          .tickFormat((d) => String(d)),
      );
  });

  const jump = (e: MouseEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const scale = rect.width ? width / rect.width : 1;
    onSelect(Math.round(x.invert((e.clientX - rect.left) * scale)));
  };

  return (
    <figure className="imp-chart" aria-label={t('depth.title')}>
      <figcaption className="vr-minor-title">{t('depth.title')}</figcaption>
      <div ref={box} className="imp-chart-box">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} onClick={jump} aria-hidden="true">
          {resets.map((at) => (
            <line key={at} className="imp-reset" x1={x(at)} x2={x(at)} y1={M.top} y2={HEIGHT - M.bottom} />
          ))}
          <path className="imp-depth-area" d={path} />
          <g ref={xAxis} transform={`translate(0,${HEIGHT - M.bottom})`} />
          <g ref={yAxis} transform={`translate(${M.left},0)`} />
          <line
            className="imp-cursor"
            x1={x(selected)}
            x2={x(selected)}
            y1={M.top - 4}
            y2={HEIGHT - M.bottom}
            data-testid="depth-cursor"
          />
        </svg>
      </div>
      <p className="vr-note">
        {t('depth.note', { max: trace.queues[queue]?.maxInFlight ?? 0 })}{' '}
        {resets.length > 0 && t('depth.resets', { count: resets.length })}
      </p>
    </figure>
  );
}
