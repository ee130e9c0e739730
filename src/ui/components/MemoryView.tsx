import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { IMAGE_PAGE_BYTES, type MemoryImage } from '../../engine/client/memoryImage';
import type { Region } from '../../virtio/allocationMap';
import { regionLabel, regionLabeller } from '../derive/regionLabel';
import { LINE_BYTES, memoryRows, regionIndexAt, type MemRow } from './derive/memoryRows';
import { asciiOf, hex, hexByte } from './format';
import { REGION_SWATCH } from './palette';
import { useSafeId } from './useSafeId';

export interface MemoryViewProps {
  /** Guest memory as of the displayed step. */
  memory: MemoryImage;
  regions: readonly Region[];
  /** Guest addresses the current step wrote. */
  changed: Set<number>;
}

/** Must match `.vr-mem-row` height in components.css. */
export const MEM_ROW_PX = 24;
/** Rows drawn beyond the visible ones, so fast scrolling does not show blanks. */
const OVERSCAN = 12;

function RegionRow({ region }: { region: Region }) {
  const { t } = useTranslation('rings');
  const sw = REGION_SWATCH[region.kind];
  return (
    <div className={`vr-mem-row vr-mem-region vr-k-${region.kind}`} data-testid="mem-region">
      <span className="vr-mem-swatch" aria-hidden="true">
        {sw.glyph}
      </span>
      <span className="vr-mem-kind">{t(`kind.${region.kind}`)}</span>
      <span className="vr-mem-label">{regionLabel(region, t)}</span>
      <span className="vr-mem-range">
        {hex(region.start, 8)}–{hex(region.start + region.size - 1, 8)} · {t('mem.bytes', { count: region.size })}
      </span>
    </div>
  );
}

/** The key to the region colours: the same on every step, so memoised. */
const MemLegend = memo(function MemLegend() {
  const { t } = useTranslation('rings');
  return (
    <ul className="vr-legend vr-mem-legend">
      {(Object.keys(REGION_SWATCH) as (keyof typeof REGION_SWATCH)[]).map((k) => (
        <li key={k} className={`vr-k-${k}`}>
          <span className="vr-mem-swatch" aria-hidden="true">
            {REGION_SWATCH[k].glyph}
          </span>
          {t(`kind.${k}`)}
        </li>
      ))}
      <li>
        <span className="vr-byte vr-changed">ab</span> {t('mem.changedKey')}
      </li>
    </ul>
  );
});

/** Which of the line's 16 bytes the step wrote, as bits: a cheap prop for the memoised row. */
function changedMask(changed: ReadonlySet<number>, addr: number): number {
  let mask = 0;
  if (changed.size === 0) return mask;
  for (let i = 0; i < LINE_BYTES; i++) if (changed.has(addr + i)) mask |= 1 << i;
  return mask;
}

/**
 * One line of 16 bytes. Memoised on its page of the memory image (the same object while the page is unchanged),
 * so a step re-renders only the lines whose page it wrote or whose highlight changed.
 */
const LineRow = memo(function LineRow({
  addr,
  page,
  regions,
  changedBits,
  labelOf,
}: {
  addr: number;
  /** The image's page holding the line (lines never straddle pages); undefined past the end of memory. */
  page: Uint8Array | undefined;
  regions: readonly Region[];
  changedBits: number;
  /** The region's label in the page's language (the same function while the language stays). */
  labelOf: (region: Region) => string;
}) {
  const pageStart = addr - (addr % IMAGE_PAGE_BYTES);
  const cells = [];
  let ascii = '';
  for (let i = 0; i < LINE_BYTES; i++) {
    const a = addr + i;
    const b = page?.[a - pageStart] ?? 0;
    const ri = regionIndexAt(regions, a);
    const region = ri >= 0 ? regions[ri]! : null;
    const cls = ['vr-byte'];
    if (region) cls.push(`vr-k-${region.kind}`);
    else cls.push('vr-unalloc');
    if (region && region.start === a) cls.push('vr-region-start');
    if (changedBits & (1 << i)) cls.push('vr-changed');
    if (i === 8) cls.push('vr-byte-mid');
    cells.push(
      <span key={i} className={cls.join(' ')} title={region ? `${hex(a)} · ${labelOf(region)}` : hex(a)}>
        {hexByte(b)}
      </span>,
    );
    ascii += asciiOf(b);
  }
  return (
    <div className="vr-mem-row vr-mem-line">
      <span className="vr-mem-addr">{hex(addr, 8)}</span>
      <span className="vr-mem-bytes">{cells}</span>
      <span className="vr-mem-ascii" aria-hidden="true">
        {ascii}
      </span>
    </div>
  );
});

function GapRow({ row }: { row: Extract<MemRow, { type: 'gap' }> }) {
  const { t } = useTranslation('rings');
  return (
    <div className="vr-mem-row vr-mem-gap">
      {t('mem.gap', { count: row.bytes, from: hex(row.start, 8), to: hex(row.start + row.bytes - 1, 8) })}
    </div>
  );
}

/** Row index of each line, by its address: a step's first write is looked up without scanning every row. */
function lineIndex(rows: MemRow[]): Map<number, number> {
  const byAddr = new Map<number, number>();
  rows.forEach((r, i) => {
    if (r.type === 'line') byAddr.set(r.addr, i);
  });
  return byAddr;
}

/**
 * Guest memory as a hex dump of the allocated regions only, each under its label from the allocation map, with the
 * bytes the current step wrote highlighted. Only the rows in view are drawn, so a megabyte stays fast.
 */
export function MemoryView({ memory, regions: unsorted, changed }: MemoryViewProps) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const scrolled = useRef(0);
  const [viewport, setViewport] = useState(480);
  const [follow, setFollow] = useState(true);
  const regions = useMemo(() => [...unsorted].sort((a, b) => a.start - b.start), [unsorted]);
  const rows = useMemo(() => memoryRows(regions, memory.length), [regions, memory.length]);
  const lines = useMemo(() => lineIndex(rows), [rows]);
  const labelOf = useMemo(() => regionLabeller(t), [t]);
  const firstChanged = useMemo(() => {
    let min: number | null = null;
    for (const a of changed) if (min === null || a < min) min = a;
    return min;
  }, [changed]);

  // Out of view the panel is skipped (content-visibility: auto in components.css): moving its scroll box then would
  // make the browser style and lay out the whole panel in the step's frame. It follows when it comes into view.
  const panel = useRef<HTMLElement>(null);
  const [onScreen, setOnScreen] = useState(true);
  useEffect(() => {
    const el = panel.current;
    if (!el) return;
    const onChange = (e: Event) => setOnScreen(!(e as Event & { skipped?: boolean }).skipped);
    el.addEventListener('contentvisibilityautostatechange', onChange);
    return () => el.removeEventListener('contentvisibilityautostatechange', onChange);
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight || 480));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Follow the writes: bring the first byte the step wrote into view, unless it already is. Decided while rendering
  // (React's "adjust state when a prop changes"), so the step's own render already draws the lines it moves to: one
  // commit per step, not a second render from an effect with rows mounted anew after the step's frame.
  const [followed, setFollowed] = useState<{
    changed: Set<number>;
    follow: boolean;
    lines: Map<number, number>;
    viewport: number;
    onScreen: boolean;
  } | null>(null);
  if (
    followed === null ||
    followed.changed !== changed ||
    followed.follow !== follow ||
    followed.lines !== lines ||
    followed.viewport !== viewport ||
    followed.onScreen !== onScreen
  ) {
    setFollowed({ changed, follow, lines, viewport, onScreen });
    const row =
      follow && onScreen && firstChanged !== null ? lines.get(firstChanged - (firstChanged % LINE_BYTES)) : undefined;
    if (row !== undefined) {
      const y = row * MEM_ROW_PX;
      if (y < scrollTop || y + MEM_ROW_PX > scrollTop + viewport)
        setScrollTop(Math.max(0, Math.round(y - viewport / 3)));
    }
  }

  // The box's own scroll position follows in the next animation frame, before that frame's layout: setting it now
  // would force the browser to lay the page out in the middle of the step (and lay out this panel while it is out of
  // view). A position that came from a scroll event is already where the box is.
  useLayoutEffect(() => {
    if (scrolled.current === scrollTop) return;
    const apply = () => {
      const el = scroller.current;
      if (!el) return;
      el.scrollTop = scrollTop;
      scrolled.current = scrollTop;
    };
    if (typeof requestAnimationFrame !== 'function') return apply();
    const id = requestAnimationFrame(apply);
    return () => cancelAnimationFrame(id);
  }, [scrollTop]);

  const first = Math.max(0, Math.floor(scrollTop / MEM_ROW_PX) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / MEM_ROW_PX) + OVERSCAN);
  const visible = rows.slice(first, last);
  // Rows are keyed by their row number modulo the most rows ever drawn at once: a row that stays in view keeps its
  // element, and a jump to another region re-uses the elements of the lines it leaves instead of building new ones.
  const keySpan = Math.ceil(viewport / MEM_ROW_PX) + 2 * OVERSCAN + 2;

  // The region whose label is at or above the top of the view: what the selector shows.
  let current = -1;
  const topRow = Math.floor(scrollTop / MEM_ROW_PX);
  for (let i = Math.min(topRow, rows.length - 1); i >= 0; i--) {
    const r = rows[i]!;
    if (r.type === 'region') {
      current = r.index;
      break;
    }
  }

  const jumpTo = (regionIndex: number) => {
    const row = rows.findIndex((r) => r.type === 'region' && r.index === regionIndex);
    if (row >= 0 && scroller.current) {
      scroller.current.scrollTop = row * MEM_ROW_PX;
      scrolled.current = row * MEM_ROW_PX;
      setScrollTop(row * MEM_ROW_PX);
    }
  };

  return (
    <section className="vr-panel vr-memory" aria-labelledby={titleId} ref={panel}>
      <h3 id={titleId} className="vr-panel-title">
        {t('mem.title')}{' '}
        <span className="vr-sub">{t('mem.summary', { count: memory.length, regions: regions.length })}</span>
      </h3>
      <div className="vr-mem-controls">
        <label>
          {t('mem.region')}{' '}
          <select value={current} onChange={(e) => jumpTo(Number(e.target.value))}>
            <option value={-1} disabled>
              {t('mem.pick')}
            </option>
            {regions.map((r, i) => (
              <option key={`${r.start}-${i}`} value={i}>
                {REGION_SWATCH[r.kind].glyph} {hex(r.start, 8)} {labelOf(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> {t('mem.follow')}
        </label>
        {/* Not a live region: the step announcer in the controls says each step once. */}
        <span className="vr-note">
          {changed.size ? t('mem.wrote', { count: changed.size, addr: hex(firstChanged ?? 0, 8) }) : t('mem.noWrites')}
        </span>
      </div>
      <MemLegend />
      <div
        className="vr-mem-scroll"
        ref={scroller}
        tabIndex={0}
        role="region"
        aria-label={t('mem.scrollLabel')}
        onScroll={(e: UIEvent<HTMLDivElement>) => {
          scrolled.current = e.currentTarget.scrollTop;
          setScrollTop(scrolled.current);
        }}
      >
        <div style={{ height: rows.length * MEM_ROW_PX, position: 'relative' }}>
          <div style={{ transform: `translateY(${first * MEM_ROW_PX}px)` }}>
            {visible.map((r, k) => {
              const key = (first + k) % keySpan;
              if (r.type === 'region') return <RegionRow key={key} region={r.region} />;
              if (r.type === 'gap') return <GapRow key={key} row={r} />;
              return (
                <LineRow
                  key={key}
                  addr={r.addr}
                  page={memory.pageOf(r.addr)}
                  regions={regions}
                  changedBits={changedMask(changed, r.addr)}
                  labelOf={labelOf}
                />
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
