import { memo, useEffect, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { scaleLinear } from 'd3-scale';
import { symbol, symbolCircle, symbolCross, symbolSquare, symbolTriangle, type SymbolType } from 'd3-shape';
import type { TimelineData } from '../../engine/client/types';
import { clickTarget, laneMarks } from './derive/timelineMarks';

export interface TimelineProps {
  /** For a simulation, the steps that show each event (see TimelineData); for a trace, event numbers. */
  timeline: TimelineData;
  step: number;
  onJump: (step: number) => void;
  /** The run has been taken to its end, so the timeline's length is the run's; otherwise it is the steps so far. */
  complete?: boolean;
  /**
   * What a position is: a simulation step, or an event of an imported trace (whose positions are event numbers and
   * whose log cannot show suppressed notifications, so the legend says so).
   */
  unit?: 'step' | 'event';
}

type Lane = 'kicks' | 'interrupts' | 'completions' | 'suppressed' | 'errors';

/** Each kind of mark gets its own row, shape and colour, so none of the three is needed alone to tell them apart. */
const LANES: { key: Lane; shape: SymbolType; rotate: number; color: string; hollow?: boolean }[] = [
  { key: 'kicks', shape: symbolTriangle, rotate: 90, color: '#0072B2' },
  { key: 'interrupts', shape: symbolTriangle, rotate: -90, color: '#E69F00' },
  { key: 'completions', shape: symbolCircle, rotate: 0, color: '#009E73' },
  { key: 'suppressed', shape: symbolSquare, rotate: 45, color: '#555555', hollow: true },
  { key: 'errors', shape: symbolCross, rotate: 45, color: '#D55E00' },
];

const MARGIN = { left: 16, right: 16, top: 22 };
const LANE_H = 20;
const AXIS_Y = MARGIN.top + LANES.length * LANE_H + 4;
const HEIGHT = AXIS_Y + 26;
/** Steps either side of the current one when zoomed in. */
const ZOOM_HALF = 200;

const shapePath = (shape: SymbolType, size: number): string => symbol(shape, size)() ?? '';

/**
 * The step axis, drawn as d3-axis's axisBottom draws it (same elements and attributes), but by React: a step only
 * moves the ticks whose place changed, where d3 rewrote every tick's attributes after each commit.
 */
const StepAxis = memo(function StepAxis({ lo, hi, width }: { lo: number; hi: number; width: number }) {
  const scale = scaleLinear()
    .domain([lo, hi])
    .range([MARGIN.left, width - MARGIN.right]);
  const ticks = Math.max(2, Math.floor(width / 90));
  // Steps are whole numbers: a short run must not get ticks at 0.1, 0.2, ...
  const values = scale.ticks(ticks).filter((v) => Number.isInteger(v));
  // d3-axis puts lines on the half pixel on a screen of one device pixel per CSS pixel, so they stay crisp.
  const offset = typeof window !== 'undefined' && window.devicePixelRatio > 1 ? 0 : 0.5;
  const [r0, r1] = scale.range() as [number, number];
  return (
    <g
      className="vr-tl-axis"
      transform={`translate(0,${AXIS_Y})`}
      fill="none"
      fontSize={10}
      fontFamily="sans-serif"
      textAnchor="middle"
    >
      <path className="domain" stroke="currentColor" d={`M${r0 + offset},6V${offset}H${r1 + offset}V6`} />
      {values.map((v) => (
        <g key={v} className="tick" opacity={1} transform={`translate(${scale(v) + offset},0)`}>
          <line stroke="currentColor" y2={6} />
          <text fill="currentColor" y={9} dy="0.71em">
            {String(v)}
          </text>
        </g>
      ))}
    </g>
  );
});

/** The lanes' key with each lane's count: renders again only when a count changes. */
const TimelineLegend = memo(function TimelineLegend({
  unit,
  ...counts
}: Record<Lane, number> & { unit: 'step' | 'event' }) {
  const { t } = useTranslation('rings');
  const laneKey = (lane: Lane) =>
    unit === 'event' && (lane === 'suppressed' || lane === 'errors')
      ? `timeline.event.lane.${lane}`
      : `timeline.lane.${lane}`;
  return (
    <ul className="vr-legend vr-tl-legend">
      {LANES.map((lane) => (
        <li key={lane.key}>
          <svg width={18} height={18} viewBox="-9 -9 18 18" aria-hidden="true">
            <path
              d={shapePath(lane.shape, 70)}
              transform={`rotate(${lane.rotate})`}
              fill={lane.hollow ? 'white' : lane.color}
              stroke={lane.hollow ? lane.color : '#111'}
              strokeWidth={lane.hollow ? 2 : 0.75}
            />
          </svg>
          {t(laneKey(lane.key), { count: counts[lane.key] })}
        </li>
      ))}
    </ul>
  );
});

/** The run so far on one axis: kicks, interrupts, completions, suppressed notifications and errors, and a scrubber. */
export function Timeline({ timeline, step, onJump, complete = false, unit = 'step' }: TimelineProps) {
  const { t } = useTranslation('rings');
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [zoomed, setZoomed] = useState(false);
  const length = timeline.length;

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const lo = zoomed ? Math.max(0, step - ZOOM_HALF) : 0;
  const hi = zoomed ? Math.min(Math.max(length, 1), Math.max(step + ZOOM_HALF, lo + 1)) : Math.max(length, 1);
  const x = scaleLinear()
    .domain([lo, hi])
    .range([MARGIN.left, width - MARGIN.right])
    .clamp(true);

  // Many marks fall on the same pixel in a long run: draw one per pixel per lane.
  const marks = LANES.map((lane, li) => ({
    lane,
    y: MARGIN.top + li * LANE_H + LANE_H / 2,
    drawn: laneMarks(timeline[lane.key], lo, hi, x),
  }));

  const jumpAt = (e: MouseEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const scaleX = rect.width ? width / rect.width : 1;
    const scaleY = rect.height ? HEIGHT / rect.height : 1;
    const px = (e.clientX - rect.left) * scaleX;
    const py = (e.clientY - rect.top) * scaleY;
    // A click on a mark goes to that mark's step, even where a pixel spans several steps.
    const lane = marks.find((m) => Math.abs(py - m.y) <= LANE_H / 2);
    const target = clickTarget(px, lane?.drawn ?? null, Math.round(x.invert(px)));
    onJump(Math.max(0, Math.min(length, target)));
  };

  const cx = x(Math.min(Math.max(step, lo), hi));
  // A trace is read whole: its positions are events, never "so far".
  const positionKey =
    unit === 'event' ? 'timeline.event.position' : complete ? 'timeline.position' : 'timeline.positionSoFar';
  const valueKey =
    unit === 'event' ? 'timeline.event.position' : complete ? 'timeline.valueText' : 'timeline.positionSoFar';
  return (
    <section className="vr-panel vr-timeline" aria-label={t('timeline.title')}>
      <div className="vr-timeline-head">
        <h3 className="vr-panel-title">
          {t('timeline.title')} <span className="vr-sub">{t(positionKey, { step, length })}</span>
        </h3>
        <div className="vr-toggle" role="group" aria-label={t('timeline.zoom')}>
          <button type="button" aria-pressed={!zoomed} onClick={() => setZoomed(false)}>
            {t('timeline.whole')}
          </button>
          <button type="button" aria-pressed={zoomed} onClick={() => setZoomed(true)}>
            {t(unit === 'event' ? 'timeline.event.near' : 'timeline.near', { count: ZOOM_HALF })}
          </button>
        </div>
      </div>
      <div ref={box} className="vr-timeline-box">
        <svg
          className="vr-timeline-svg"
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          onClick={jumpAt}
          aria-hidden="true"
          data-testid="timeline-axis"
        >
          {marks.map(({ lane, y }) => (
            <line key={lane.key} className="vr-tl-laneline" x1={MARGIN.left} x2={width - MARGIN.right} y1={y} y2={y} />
          ))}
          {marks.map(({ lane, y, drawn }) => {
            const d = shapePath(lane.shape, 70);
            return (
              <g
                key={lane.key}
                className={`vr-tl-marks vr-tl-${lane.key}`}
                fill={lane.hollow ? 'white' : lane.color}
                stroke={lane.hollow ? lane.color : '#111'}
                strokeWidth={lane.hollow ? 2 : 0.75}
              >
                {drawn.map(({ px, at }) => (
                  <path key={px} d={d} transform={`translate(${px},${y}) rotate(${lane.rotate})`} data-at={at} />
                ))}
              </g>
            );
          })}
          <StepAxis lo={lo} hi={hi} width={width} />
          <g className="vr-tl-current" transform={`translate(${cx},0)`}>
            <line y1={MARGIN.top - 6} y2={AXIS_Y} />
            <path d="M-7,2 L7,2 L0,12 z" transform={`translate(0,${MARGIN.top - 16})`} />
          </g>
          <rect className="vr-tl-hit" x={0} y={0} width={width} height={HEIGHT} />
        </svg>
      </div>
      <input
        className="vr-tl-range"
        type="range"
        min={0}
        max={length}
        step={1}
        value={Math.min(step, length)}
        aria-label={t('timeline.title')}
        aria-valuetext={t(valueKey, { step, length })}
        onChange={(e) => onJump(Number(e.target.value))}
      />
      <TimelineLegend
        kicks={timeline.kicks.length}
        interrupts={timeline.interrupts.length}
        completions={timeline.completions.length}
        suppressed={timeline.suppressed.length}
        errors={timeline.errors.length}
        unit={unit}
      />
    </section>
  );
}
