import { Fragment, useLayoutEffect, useRef } from 'react';
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

export interface DescriptorTableProps {
  queue: QueueView;
  /** Guest addresses the current step wrote. */
  changed: Set<number>;
}

/** Width of the lane left of the table where next-links are drawn. */
const LANE = 64;

interface Link {
  from: number;
  to: number;
  color: string;
  key: string;
}

/** The chain links to draw: only descriptors in a chain the driver has in flight, and only with NEXT set. */
function linksOf(queue: QueueView): Link[] {
  const links: Link[] = [];
  for (const d of queue.desc) {
    if (d.request === null || !(d.flags & VRING_DESC_F_NEXT) || d.next >= queue.size) continue;
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

/** The column headings of a descriptor table (the ring's, with an owner column, or an indirect table's). */
function DescHead({ owner = false }: { owner?: boolean }) {
  const { t } = useTranslation('rings');
  return (
    <thead>
      <tr>
        <th scope="col">{t('desc.col.index')}</th>
        <th scope="col">{t('desc.col.addr')}</th>
        <th scope="col">{t('desc.col.len')}</th>
        <th scope="col">{t('desc.col.flags')}</th>
        <th scope="col">{t('desc.col.next')}</th>
        {owner && <th scope="col">{t('desc.col.owner')}</th>}
      </tr>
    </thead>
  );
}

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

function IndirectTable({ chain, changed }: { chain: ChainView; changed: Set<number> }) {
  const { t } = useTranslation('rings');
  const ind = chain.indirect!;
  const stamp = changeStamp(changed);
  const color = chain.request === null ? undefined : requestSwatch(chain.request).color;
  return (
    <div className="vr-indirect" style={color ? { ['--vr-req' as string]: color } : undefined}>
      <div className="vr-indirect-caption">
        <span aria-hidden="true">↳ </span>
        {t('desc.indirectTitle', { addr: hex(ind.addr, 8), count: ind.entries.length, via: ind.via })}
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
        <p className="vr-warn" role="note">
          {t('desc.outside')}
        </p>
      )}
    </div>
  );
}

function OwnerCell({ d }: { d: DescView }) {
  const { t } = useTranslation('rings');
  if (d.free) return <span className="vr-free-tag">{t('desc.free')}</span>;
  if (d.request !== null) return <RequestTag id={d.request} head={d.head === d.index} />;
  return <span className="vr-dim">—</span>;
}

/**
 * The descriptor table as it is in guest memory, one row per descriptor, with each in-flight chain coloured by
 * its request and its next-links drawn as arrows in a lane beside the table.
 */
export function DescriptorTable({ queue, changed }: DescriptorTableProps) {
  const { t } = useTranslation('rings');
  const markerBase = useSafeId();
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const stamp = changeStamp(changed);
  const byHead = new Map(queue.chains.map((c) => [c.head, c]));
  const links = linksOf(queue);

  // Arrows depend on where the browser put each row (indirect tables make some rows taller), so they are drawn
  // after layout, by D3, straight into the SVG.
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    const svg = svgRef.current;
    if (!wrap || !svg) return;
    const top = wrap.getBoundingClientRect().top;
    const centre = new Map<number, number>();
    wrap.querySelectorAll<HTMLTableRowElement>('tr[data-desc]').forEach((tr) => {
      const r = tr.getBoundingClientRect();
      centre.set(Number(tr.dataset.desc), r.top - top + r.height / 2);
    });
    const height = wrap.getBoundingClientRect().height;
    const root = select(svg)
      .attr('height', height)
      .attr('viewBox', `0 0 ${LANE} ${Math.max(height, 1)}`);
    const drawn = links
      .map((l) => ({ ...l, y1: centre.get(l.from), y2: centre.get(l.to) }))
      .filter((l): l is Link & { y1: number; y2: number } => l.y1 !== undefined && l.y2 !== undefined);
    root
      .select('g.vr-links')
      .selectAll<SVGPathElement, (typeof drawn)[number]>('path')
      .data(drawn, (l) => l.key)
      .join('path')
      .attr('d', (l) => {
        // A loop that bulges left in proportion to the distance, so nested links do not overlap.
        const reach = Math.min(LANE - 8, 14 + 6 * Math.abs(l.to - l.from));
        const x = LANE - 2;
        const sameRow = l.from === l.to;
        const y2 = sameRow ? l.y2 + 8 : l.y2;
        return `M${x},${l.y1 - 3} C${x - reach},${l.y1 - 3} ${x - reach},${y2 + 3} ${x - 3},${y2 + 3}`;
      })
      .attr('stroke', (l) => l.color)
      .attr('marker-end', (l) => `url(#${markerBase}-${OKABE_ITO.indexOf(l.color as (typeof OKABE_ITO)[number])})`);
  });

  return (
    <section className="vr-panel vr-desc" aria-labelledby={`${markerBase}-title`}>
      <h3 id={`${markerBase}-title`} className="vr-panel-title">
        {t('desc.title', { queue: queue.index })}{' '}
        <span className="vr-sub">{t('desc.at', { addr: hex(queue.addrs.desc, 8), size: queue.size })}</span>
      </h3>
      <div className="vr-desc-wrap" ref={wrapRef} tabIndex={0} role="region" aria-labelledby={`${markerBase}-title`}>
        <svg
          ref={svgRef}
          className="vr-desc-lane"
          width={LANE}
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
        <table className="vr-table vr-desc-table">
          <DescHead owner />
          <tbody>
            {queue.desc.map((d) => {
              const flash = anyChanged(changed, queue.addrs.desc + DESC_SIZE * d.index, DESC_SIZE);
              const chain = byHead.get(d.index);
              const swatch = d.request === null ? null : requestSwatch(d.request);
              const cls = ['vr-desc-row', d.free ? 'vr-free' : '', swatch ? 'vr-owned' : '', flash ? 'vr-flash' : '']
                .filter(Boolean)
                .join(' ');
              const row = (
                <tr
                  key={flash ? `${d.index}:${stamp}` : d.index}
                  data-desc={d.index}
                  data-testid="desc-row"
                  className={cls}
                  style={swatch ? { ['--vr-req' as string]: swatch.color } : undefined}
                >
                  <DescCells d={d} index={d.index} />
                  <td>
                    <OwnerCell d={d} />
                  </td>
                </tr>
              );
              if (!chain?.indirect) return row;
              return (
                <Fragment key={d.index}>
                  {row}
                  <tr className="vr-indirect-row">
                    <td colSpan={6}>
                      <IndirectTable chain={chain} changed={changed} />
                    </td>
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
