import { Fragment, memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { useSafeId } from './useSafeId';
import { useTranslation } from 'react-i18next';
import { select } from 'd3-selection';
import type { VringDesc } from '../../virtio/splitRing';
import { DESC_SIZE, VRING_DESC_F_NEXT } from '../../virtio/constants';
import type { ChainView, DescView, QueueView } from '../../engine/view';
import { anyChanged, changeStamp } from './changed';
import { descFlagNames, hex } from './format';
import { OKABE_ITO, requestSwatch } from './palette';
import { RequestTag } from './RequestTag';
import { useMediaQuery } from '../layout/useMediaQuery';

export interface DescriptorTableProps {
  queue: QueueView;
  /** Guest addresses the current step wrote. */
  changed: Set<number>;
  /**
   * Whose table this is, shown after the title and put in the table's landmark names (e.g. an imported snapshot's
   * file), so two descriptor tables on one page never share a name.
   */
  context?: string;
  /**
   * What to say of an indirect table the view could not read, by the descriptor that points at it (e.g. "not
   * captured" for a snapshot). Without one, the table is said to lie outside guest memory.
   */
  unreadNotes?: ReadonlyMap<number, string>;
}

/** Width of the lane left of the table where next-links are drawn. */
const LANE = 64;
/** On a phone: the table's columns need the width more than the arrows need room to bulge. */
const NARROW_LANE = 22;
const NARROW_SCREEN = '(max-width: 700px)';

/**
 * Tables with more descriptors than this scroll in a box of their own and draw only the rows in view (plus some
 * either side), so a step at queue size 1024 re-renders and lays out a screenful, not a thousand rows.
 */
export const DESC_VIRTUAL_ABOVE = 64;
/** Pixels drawn beyond the visible part of a virtual table, so scrolling does not show blanks. */
const OVERSCAN_PX = 400;
/** Until rows are measured: a descriptor row, and an indirect table's caption, heading and padding. */
const ROW_GUESS_PX = 31;
const INDIRECT_BASE_GUESS_PX = 60;
const INDIRECT_ENTRY_GUESS_PX = 26;

const NO_CHANGES: ReadonlySet<number> = new Set();

interface Link {
  from: number;
  to: number;
  color: string;
  key: string;
}

/** The chain links to draw: only descriptors in a chain the driver has in flight, and only with NEXT set. */
function linksOf(desc: readonly DescView[], size: number): Link[] {
  const links: Link[] = [];
  for (const d of desc) {
    if (d.request === null || !(d.flags & VRING_DESC_F_NEXT) || d.next >= size) continue;
    links.push({ from: d.index, to: d.next, color: requestSwatch(d.request).color, key: `${d.index}-${d.next}` });
  }
  return links;
}

function FlagBadges({ flags }: { flags: number }) {
  const names = descFlagNames(flags);
  if (names.length === 0) return <span className="vr-dim">0</span>;
  return (
    <span className="vr-flags">
      {names.map((n) => (
        <span key={n} className={`vr-flag vr-flag-${n.toLowerCase()}`}>
          {n}
        </span>
      ))}
    </span>
  );
}

/**
 * The column headings of a descriptor table (the ring's, with an owner column, or an indirect table's). Memoised:
 * the same on every step (useTranslation still re-renders it when the language changes).
 */
const DescHead = memo(function DescHead({ owner = false, rowIndex }: { owner?: boolean; rowIndex?: number }) {
  const { t } = useTranslation('rings');
  return (
    <thead>
      <tr aria-rowindex={rowIndex}>
        <th scope="col">{t('desc.col.index')}</th>
        <th scope="col">{t('desc.col.addr')}</th>
        <th scope="col">{t('desc.col.len')}</th>
        <th scope="col">{t('desc.col.flags')}</th>
        <th scope="col">{t('desc.col.next')}</th>
        {owner && <th scope="col">{t('desc.col.owner')}</th>}
      </tr>
    </thead>
  );
});

function DescCells({ d, index }: { d: VringDesc; index: number }) {
  const hasNext = (d.flags & VRING_DESC_F_NEXT) !== 0;
  return (
    <>
      <td className="vr-num vr-idx">{index}</td>
      <td className="vr-mono">{hex(d.addr, 8)}</td>
      <td className="vr-num">{d.len}</td>
      <td>
        <FlagBadges flags={d.flags} />
      </td>
      <td className={`vr-num ${hasNext ? 'vr-next' : 'vr-dim'}`}>{hasNext ? `→ ${d.next}` : d.next}</td>
    </>
  );
}

/** Memoised on the chain (the same object while it is unchanged) and on the writes that touch its table. */
const IndirectTable = memo(function IndirectTable({
  chain,
  changed,
  unreadNote,
}: {
  chain: ChainView;
  changed: ReadonlySet<number>;
  unreadNote: string | undefined;
}) {
  const { t } = useTranslation('rings');
  const ind = chain.indirect!;
  const stamp = changeStamp(changed);
  const color = chain.request === null ? undefined : requestSwatch(chain.request).color;
  return (
    <div className="vr-indirect" style={color ? { ['--vr-req' as string]: color } : undefined}>
      <div className="vr-indirect-caption">
        <span aria-hidden="true">↳ </span>
        {ind.readable
          ? t('desc.indirectTitle', { addr: hex(ind.addr, 8), count: ind.entries.length, via: ind.via })
          : t('desc.indirectTitleUnread', { via: ind.via })}
      </div>
      {ind.readable ? (
        <table className="vr-table vr-subtable" data-testid="indirect-table">
          <DescHead />
          <tbody>
            {ind.entries.map((e, k) => {
              const flash = anyChanged(changed, ind.addr + DESC_SIZE * k, DESC_SIZE);
              return (
                <tr key={flash ? `${k}:${stamp}` : k} className={flash ? 'vr-flash' : undefined}>
                  <DescCells d={e} index={k} />
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="vr-warn" role="note" data-testid="indirect-unread">
          {unreadNote ?? t('desc.outside', { addr: hex(ind.addr, 8) })}
        </p>
      )}
    </div>
  );
});

function OwnerCell({ d }: { d: DescView }) {
  const { t } = useTranslation('rings');
  if (d.free) return <span className="vr-free-tag">{t('desc.free')}</span>;
  if (d.request !== null) return <RequestTag id={d.request} head={d.head === d.index} />;
  return <span className="vr-dim">—</span>;
}

/** One descriptor. Memoised: the view keeps a descriptor's object while its bytes and owner are unchanged. */
const DescRow = memo(function DescRow({ d, flash, rowIndex }: { d: DescView; flash: boolean; rowIndex?: number }) {
  const swatch = d.request === null ? null : requestSwatch(d.request);
  const cls = ['vr-desc-row', d.free ? 'vr-free' : '', swatch ? 'vr-owned' : '', flash ? 'vr-flash' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <tr
      data-desc={d.index}
      data-testid="desc-row"
      className={cls}
      aria-rowindex={rowIndex}
      style={swatch ? { ['--vr-req' as string]: swatch.color } : undefined}
    >
      <DescCells d={d} index={d.index} />
      <td>
        <OwnerCell d={d} />
      </td>
    </tr>
  );
});

/** Where each row of a virtual table starts, from the measured heights: descriptor i's row, then its indirect row. */
interface RowPlan {
  /** top[i]: y of descriptor i's row; top[size]: the table body's height. */
  top: Float64Array;
  /** aria-rowindex of descriptor i's row (the heading is row 1; indirect rows count too). */
  rowIndex: Int32Array;
  rows: number;
  rowH: number;
}

function planRows(
  size: number,
  byHead: ReadonlyMap<number, ChainView>,
  rowH: number,
  indirectH: ReadonlyMap<number, number>,
): RowPlan {
  const top = new Float64Array(size + 1);
  const rowIndex = new Int32Array(size);
  let row = 2;
  for (let i = 0; i < size; i++) {
    rowIndex[i] = row++;
    let h = rowH;
    const ind = byHead.get(i)?.indirect;
    if (ind) {
      row++;
      h +=
        indirectH.get(i) ?? INDIRECT_BASE_GUESS_PX + INDIRECT_ENTRY_GUESS_PX * (ind.readable ? ind.entries.length : 0);
    }
    top[i + 1] = top[i]! + h;
  }
  return { top, rowIndex, rows: row - 1, rowH };
}

/** The first i with top[i + 1] > y (the row at y). */
function rowAt(top: Float64Array, y: number): number {
  let lo = 0;
  let hi = top.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (top[mid + 1]! > y) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo);
}

type Drawn = Link & { y1: number; y2: number };

/** How far down the box the table reaches: the height the lane of arrows beside it needs. */
function laneHeight(wrap: Element, table: Element | null): number {
  if (!table) return 0;
  return Math.max(0, table.getBoundingClientRect().bottom - wrap.getBoundingClientRect().top);
}

/** Draws the next-links into the lane with D3, keyed by link so unchanged arrows stay as they are. */
function drawLinks(svg: SVGSVGElement, height: number, drawn: Drawn[], markerBase: string, lane: number): void {
  const root = select(svg)
    .attr('height', height)
    .attr('viewBox', `0 0 ${lane} ${Math.max(height, 1)}`);
  root
    .select('g.vr-links')
    .selectAll<SVGPathElement, Drawn>('path')
    .data(drawn, (l) => l.key)
    .join('path')
    .attr('d', (l) => {
      // A loop that bulges left in proportion to the distance, so nested links do not overlap.
      const reach = Math.min(lane - 8, Math.min(14, lane / 2) + 6 * Math.abs(l.to - l.from));
      const x = lane - 2;
      const sameRow = l.from === l.to;
      const y2 = sameRow ? l.y2 + 8 : l.y2;
      return `M${x},${l.y1 - 3} C${x - reach},${l.y1 - 3} ${x - reach},${y2 + 3} ${x - 3},${y2 + 3}`;
    })
    .attr('stroke', (l) => l.color)
    .attr('marker-end', (l) => `url(#${markerBase}-${OKABE_ITO.indexOf(l.color as (typeof OKABE_ITO)[number])})`);
}

/**
 * The descriptor table as it is in guest memory, one row per descriptor, with each in-flight chain coloured by
 * its request and its next-links drawn as arrows in a lane beside the table. Rows are memoised, so a step
 * re-renders only the descriptors it changed; a big table (more than DESC_VIRTUAL_ABOVE descriptors) scrolls in
 * its own box and draws only the rows in view, and the arrows are redrawn only when the chains change.
 */
export function DescriptorTable({ queue, changed, context, unreadNotes }: DescriptorTableProps) {
  const { t } = useTranslation('rings');
  const markerBase = useSafeId();
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const stamp = changeStamp(changed);
  const virtual = queue.size > DESC_VIRTUAL_ABOVE;
  const { chains, desc } = queue;
  const byHead = useMemo(() => new Map(chains.map((c) => [c.head, c])), [chains]);
  const links = useMemo(() => linksOf(desc, queue.size), [desc, queue.size]);
  const lane = useMediaQuery(NARROW_SCREEN) ? NARROW_LANE : LANE;

  // Virtual tables: the scroll position, the box's height and the measured row heights.
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(480);
  const [rowH, setRowH] = useState(ROW_GUESS_PX);
  const [headH, setHeadH] = useState(ROW_GUESS_PX);
  const [indirectH, setIndirectH] = useState<ReadonlyMap<number, number>>(() => new Map());
  const plan = useMemo(
    () => (virtual ? planRows(queue.size, byHead, rowH, indirectH) : null),
    [virtual, queue.size, byHead, rowH, indirectH],
  );
  let first = 0;
  let last = queue.size;
  if (plan) {
    first = rowAt(plan.top, Math.max(0, scrollTop - OVERSCAN_PX));
    last = Math.min(queue.size, rowAt(plan.top, scrollTop + viewport + OVERSCAN_PX) + 1);
  }

  useEffect(() => {
    const el = wrapRef.current;
    if (!virtual || !el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight || 480));
    ro.observe(el);
    return () => ro.disconnect();
  }, [virtual]);

  // Virtual tables: measure the rows drawn, so the plan (and the arrows) match where the browser put them. Done
  // when the body's size changes (a ResizeObserver runs after layout), so a step never forces a layout of its own.
  useEffect(() => {
    const wrap = wrapRef.current;
    const body = wrap?.querySelector('tbody');
    if (!virtual || !wrap || !body || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const h = wrap.querySelector('tr[data-desc]')?.getBoundingClientRect().height ?? 0;
      if (h > 0) setRowH((old) => (Math.abs(h - old) > 0.5 ? h : old));
      const head = wrap.querySelector('thead')?.getBoundingClientRect().height ?? 0;
      if (head > 0) setHeadH((old) => (Math.abs(head - old) > 0.5 ? head : old));
      const seen = new Map<number, number>();
      wrap.querySelectorAll<HTMLTableRowElement>('tr[data-via]').forEach((tr) => {
        const ih = tr.getBoundingClientRect().height;
        if (ih > 0) seen.set(Number(tr.dataset.via), ih);
      });
      setIndirectH((old) => {
        let next: Map<number, number> | null = null;
        for (const [via, ih] of seen)
          if (Math.abs((old.get(via) ?? -1) - ih) > 0.5) (next ??= new Map(old)).set(via, ih);
        return next ?? old;
      });
    };
    const ro = new ResizeObserver(measure);
    ro.observe(body);
    return () => ro.disconnect();
  }, [virtual]);

  // The arrows: from the plan in a virtual table; from where the rows are in a small one. Redrawn only when the
  // links or the rows' positions change, not on every step.
  const [layoutTick, setLayoutTick] = useState(0);
  useEffect(() => {
    const wrap = wrapRef.current;
    if (virtual || !wrap || typeof ResizeObserver === 'undefined') return;
    const table = wrap.querySelector('table');
    if (!table) return;
    const ro = new ResizeObserver(() => setLayoutTick((n) => n + 1));
    ro.observe(table);
    return () => ro.disconnect();
  }, [virtual]);
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    const svg = svgRef.current;
    if (!wrap || !svg) return;
    if (plan) {
      const half = headH + plan.rowH / 2;
      const drawn = links.map((l) => ({ ...l, y1: plan.top[l.from]! + half, y2: plan.top[l.to]! + half }));
      drawLinks(svg, headH + plan.top[queue.size]!, drawn, markerBase, lane);
      return;
    }
    const table = wrap.querySelector('table');
    const top = wrap.getBoundingClientRect().top;
    const centre = new Map<number, number>();
    wrap.querySelectorAll<HTMLTableRowElement>('tr[data-desc]').forEach((tr) => {
      const r = tr.getBoundingClientRect();
      centre.set(Number(tr.dataset.desc), r.top - top + r.height / 2);
    });
    const drawn = links
      .map((l) => ({ ...l, y1: centre.get(l.from), y2: centre.get(l.to) }))
      .filter((l): l is Drawn => l.y1 !== undefined && l.y2 !== undefined);
    // As tall as the table, not the box: the lane is in the box, so the box's height includes the lane's own, and a
    // lane sized by it kept the height of the tallest table it ever stood beside (a 64-descriptor lane beside a
    // 4-descriptor table held the panel 2,000 px tall).
    drawLinks(svg, laneHeight(wrap, table), drawn, markerBase, lane);
  }, [links, plan, headH, byHead, layoutTick, markerBase, queue.size, lane]);

  const rows = [];
  for (let i = first; i < last; i++) {
    const d = desc[i]!;
    const flash = anyChanged(changed, queue.addrs.desc + DESC_SIZE * d.index, DESC_SIZE);
    const chain = byHead.get(d.index);
    const row = (
      <DescRow key={flash ? `${d.index}:${stamp}` : d.index} d={d} flash={flash} rowIndex={plan?.rowIndex[i]} />
    );
    if (!chain?.indirect) {
      rows.push(row);
      continue;
    }
    const ind = chain.indirect;
    const touched = anyChanged(changed, ind.addr, DESC_SIZE * Math.max(1, ind.entries.length));
    rows.push(
      <Fragment key={d.index}>
        {row}
        <tr className="vr-indirect-row" data-via={d.index} aria-rowindex={plan ? plan.rowIndex[i]! + 1 : undefined}>
          <td colSpan={6}>
            <IndirectTable
              chain={chain}
              changed={touched ? changed : NO_CHANGES}
              unreadNote={ind.readable ? undefined : unreadNotes?.get(d.index)}
            />
          </td>
        </tr>
      </Fragment>,
    );
  }

  return (
    <section className="vr-panel vr-desc" aria-labelledby={`${markerBase}-title`}>
      <h3 id={`${markerBase}-title`} className="vr-panel-title">
        {t('desc.title', { queue: queue.index })}{' '}
        <span className="vr-sub">{t('desc.at', { addr: hex(queue.addrs.desc, 8), size: queue.size })}</span>
        {context !== undefined && <span className="vr-sub"> · {context}</span>}
      </h3>
      <div
        className={virtual ? 'vr-desc-wrap vr-desc-virtual' : 'vr-desc-wrap'}
        ref={wrapRef}
        tabIndex={0}
        role="region"
        // Not the heading's text: the section is already a landmark by that name, and landmark names must differ.
        aria-label={
          context === undefined
            ? t('desc.rowsRegion', { queue: queue.index })
            : t('desc.rowsRegionOf', { queue: queue.index, context })
        }
        onScroll={virtual ? (e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop) : undefined}
      >
        <svg
          ref={svgRef}
          className="vr-desc-lane"
          width={lane}
          role="img"
          aria-label={t('desc.arrows', { count: links.length })}
        >
          <defs>
            {OKABE_ITO.map((c, k) => (
              <marker
                key={c}
                id={`${markerBase}-${k}`}
                viewBox="0 0 10 10"
                refX="8"
                refY="5"
                markerUnits="userSpaceOnUse"
                markerWidth="10"
                markerHeight="10"
                orient="auto-start-reverse"
              >
                <path d="M0,0 L10,5 L0,10 z" fill={c} />
              </marker>
            ))}
          </defs>
          <g className="vr-links" fill="none" strokeWidth={3} />
        </svg>
        <table className="vr-table vr-desc-table" aria-rowcount={plan ? plan.rows : undefined}>
          <DescHead owner rowIndex={plan ? 1 : undefined} />
          <tbody>
            {plan && first > 0 && (
              <tr className="vr-desc-spacer" aria-hidden="true" style={{ height: plan.top[first] }} />
            )}
            {rows}
            {plan && last < queue.size && (
              <tr
                className="vr-desc-spacer"
                aria-hidden="true"
                style={{ height: plan.top[queue.size]! - plan.top[last]! }}
              />
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
