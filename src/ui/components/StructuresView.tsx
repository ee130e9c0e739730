import type { ReactElement } from 'react';
import { useSafeId } from './useSafeId';
import { useTranslation } from 'react-i18next';
import { linkHorizontal } from 'd3-shape';
import type { QueueView } from '../../engine/view';
import { availRingBytes, descTableBytes, usedRingBytes } from '../../virtio/layout';
import { hex } from './format';
import { REGION_SWATCH } from './palette';

type Part = 'desc' | 'avail' | 'used';

interface FieldNode {
  field: string;
  value: string;
  ptr?: Part;
  /** Private to one side's process: not in shared memory. */
  note?: string;
}
interface GroupNode {
  group: string;
  children: TreeNode[];
}
type TreeNode = FieldNode | GroupNode;

const ROW = 26;
const INDENT = 14;
const W = 940;
const BOX_W = 290;
const MEM_X = 350;
const MEM_W = 230;
const RIGHT_X = W - BOX_W - 10;
const TOP = 40;

interface Laid {
  els: ReactElement[];
  height: number;
}

/** Lays a struct out as nested boxes and records where each pointer field's dot is. */
function layStruct(
  nodes: TreeNode[],
  x: number,
  y: number,
  w: number,
  dotSide: 'left' | 'right',
  anchors: Map<Part, { x: number; y: number }>,
  keyPrefix: string,
): Laid {
  const els: ReactElement[] = [];
  let cy = y;
  nodes.forEach((n, i) => {
    const key = `${keyPrefix}.${i}`;
    if ('group' in n) {
      const inner = layStruct(n.children, x + INDENT, cy + ROW, w - 2 * INDENT, dotSide, anchors, key);
      const h = ROW + inner.height + 6;
      els.push(
        <rect key={`${key}r`} className="vr-st-group" x={x} y={cy} width={w} height={h} rx={4} />,
        <text key={`${key}t`} className="vr-st-groupname" x={x + 8} y={cy + ROW * 0.68}>
          {n.group}
        </text>,
        ...inner.els,
      );
      cy += h + 4;
    } else {
      const dotX = dotSide === 'right' ? x + w : x;
      const valueX = dotSide === 'right' ? x + w - (n.ptr ? 14 : 8) : x + w - 8;
      els.push(
        <text
          key={`${key}n`}
          className="vr-st-name"
          x={x + 8 + (n.ptr && dotSide === 'left' ? 8 : 0)}
          y={cy + ROW * 0.68}
        >
          {n.field}
        </text>,
        <text key={`${key}v`} className="vr-st-value" x={valueX} y={cy + ROW * 0.68} textAnchor="end">
          {n.value}
        </text>,
      );
      if (n.ptr) {
        anchors.set(n.ptr, { x: dotX, y: cy + ROW / 2 });
        els.push(<circle key={`${key}d`} className="vr-st-dot" cx={dotX} cy={cy + ROW / 2} r={5} />);
      }
      cy += ROW;
    }
  });
  return { els, height: cy - y };
}

/**
 * The two sides' structures as boxes, the way kernel and QEMU study notes draw them: Linux's vring_virtqueue and
 * QEMU's VirtQueue each hold their own copy of where the ring's three parts are, and both point into the same
 * guest memory.
 */
export function StructuresView({ queue }: { queue: QueueView }) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const d = queue.driver;
  const v = queue.device;
  const a = queue.addrs;
  const yes = (b: boolean) => (b ? 'true' : 'false');

  const linux: TreeNode[] = [
    {
      group: 'struct virtqueue vq',
      children: [
        { field: 'index', value: String(queue.index) },
        { field: 'num_free', value: String(d.num_free) },
      ],
    },
    { field: 'free_head', value: String(d.free_head) },
    { field: 'num_added', value: String(d.num_added) },
    { field: 'last_used_idx', value: String(d.last_used_idx) },
    { field: 'event', value: yes(d.event) },
    { field: 'broken', value: yes(d.broken) },
    {
      group: 'struct vring_virtqueue_split split',
      children: [
        {
          group: 'struct vring vring',
          children: [
            { field: 'num', value: String(d.num) },
            { field: 'desc', value: hex(a.desc), ptr: 'desc' },
            { field: 'avail', value: hex(a.avail), ptr: 'avail' },
            { field: 'used', value: hex(a.used), ptr: 'used' },
          ],
        },
        { field: 'avail_flags_shadow', value: String(d.avail_flags_shadow) },
        { field: 'avail_idx_shadow', value: String(d.avail_idx_shadow) },
        { field: 'desc_state[], desc_extra[]', value: '' },
      ],
    },
  ];
  const qemu: TreeNode[] = v
    ? [
        {
          group: 'VRing vring',
          children: [
            { field: 'num', value: String(v.vring.num) },
            { field: 'desc', value: hex(v.vring.desc), ptr: 'desc' },
            { field: 'avail', value: hex(v.vring.avail), ptr: 'avail' },
            { field: 'used', value: hex(v.vring.used), ptr: 'used' },
          ],
        },
        { field: 'last_avail_idx', value: String(v.last_avail_idx) },
        { field: 'shadow_avail_idx', value: String(v.shadow_avail_idx) },
        { field: 'used_idx', value: String(v.used_idx) },
        { field: 'signalled_used', value: String(v.signalled_used) },
        { field: 'signalled_used_valid', value: yes(v.signalled_used_valid) },
        { field: 'notification', value: yes(v.notification) },
        { field: 'inuse', value: String(v.inuse) },
        { field: 'queue_index', value: String(v.queue_index) },
      ]
    : [{ field: t('structs.noDevice'), value: '' }];

  const leftAnchors = new Map<Part, { x: number; y: number }>();
  const rightAnchors = new Map<Part, { x: number; y: number }>();
  const left = layStruct(linux, 10 + 6, TOP + ROW + 4, BOX_W - 12, 'right', leftAnchors, 'l');
  const right = layStruct(qemu, RIGHT_X + 6, TOP + ROW + 4, BOX_W - 12, 'left', rightAnchors, 'r');
  const leftH = left.height + ROW + 10;
  const rightH = right.height + ROW + 10;

  // Guest memory: the three parts in address order, each with its live header fields.
  const parts: {
    part: Part;
    addr: number;
    bytes: number;
    kind: 'desc-table' | 'avail-ring' | 'used-ring';
    lines: string[];
  }[] = [
    {
      part: 'desc',
      addr: a.desc,
      bytes: descTableBytes(a.size),
      kind: 'desc-table',
      lines: [t('structs.descLine', { size: a.size })],
    },
    {
      part: 'avail',
      addr: a.avail,
      bytes: availRingBytes(a.size),
      kind: 'avail-ring',
      lines: [
        `flags ${queue.avail.flags} · idx ${queue.avail.idx}`,
        `ring[${a.size}] · used_event ${queue.avail.used_event}`,
      ],
    },
    {
      part: 'used',
      addr: a.used,
      bytes: usedRingBytes(a.size),
      kind: 'used-ring',
      lines: [
        `flags ${queue.used.flags} · idx ${queue.used.idx}`,
        `ring[${a.size}] · avail_event ${queue.used.avail_event}`,
      ],
    },
  ];
  parts.sort((p, q) => p.addr - q.addr);
  const memBox = 92;
  const memGap = 28;
  const memTop = TOP + ROW + 40;
  const memAnchor = new Map<Part, number>();
  const height = Math.max(leftH, rightH, memTop + parts.length * (memBox + memGap)) + TOP + 10;
  const link = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();

  return (
    <section className="vr-panel vr-structs" aria-labelledby={titleId}>
      <h3 id={titleId} className="vr-panel-title">
        {t('structs.title', { queue: queue.index })}
      </h3>
      {/* Named apart from the section (landmark names must differ), as the descriptor table's rows are. */}
      <div
        className="vr-scroll-x"
        tabIndex={0}
        role="region"
        aria-label={t('structs.drawingRegion', { queue: queue.index })}
      >
        <svg
          className="vr-structs-svg"
          viewBox={`0 0 ${W} ${height}`}
          width={W}
          role="group"
          aria-label={t('structs.label')}
        >
          <defs>
            <marker
              id={`${titleId}-arrow`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerUnits="userSpaceOnUse"
              markerWidth="11"
              markerHeight="11"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" className="vr-st-arrowhead" />
            </marker>
          </defs>
          <text className="vr-st-side vr-st-side-guest" x={10} y={TOP - 14}>
            {t('structs.linux')}
          </text>
          <text className="vr-st-side vr-st-side-mem" x={MEM_X + MEM_W / 2} y={TOP - 14} textAnchor="middle">
            {t('structs.memory')}
          </text>
          <text className="vr-st-side vr-st-side-device" x={RIGHT_X} y={TOP - 14}>
            {t('structs.qemu')}
          </text>

          <rect className="vr-st-box vr-st-box-guest" x={10} y={TOP} width={BOX_W} height={leftH} rx={6} />
          <text className="vr-st-title" x={20} y={TOP + ROW * 0.75}>
            struct vring_virtqueue
          </text>
          {left.els}

          <rect className="vr-st-box vr-st-box-device" x={RIGHT_X} y={TOP} width={BOX_W} height={rightH} rx={6} />
          <text className="vr-st-title" x={RIGHT_X + 10} y={TOP + ROW * 0.75}>
            VirtQueue vdev-&gt;vq[{queue.index}]
          </text>
          {right.els}

          {parts.map((p, k) => {
            const y = memTop + k * (memBox + memGap);
            memAnchor.set(p.part, y + 22);
            const sw = REGION_SWATCH[p.kind];
            return (
              <g key={p.part} className="vr-st-mem">
                <rect
                  x={MEM_X}
                  y={y}
                  width={MEM_W}
                  height={memBox}
                  rx={4}
                  style={{ fill: sw.color }}
                  className="vr-st-membox"
                />
                <text className="vr-st-memname" x={MEM_X + 8} y={y + 22}>
                  {sw.glyph} {t(`kind.${p.kind}`)}
                </text>
                <text className="vr-st-memaddr" x={MEM_X + 8} y={y + 44}>
                  {hex(p.addr, 8)} · {p.bytes} B
                </text>
                {p.lines.map((line, i) => (
                  <text key={i} className="vr-st-memline" x={MEM_X + 8} y={y + 64 + 16 * i}>
                    {line}
                  </text>
                ))}
              </g>
            );
          })}

          {(['desc', 'avail', 'used'] as const).flatMap((part) => {
            const ty = memAnchor.get(part)!;
            const out: ReactElement[] = [];
            const l = leftAnchors.get(part);
            if (l) {
              out.push(
                <path
                  key={`l-${part}`}
                  className="vr-st-link vr-st-link-guest"
                  d={link({ source: [l.x, l.y], target: [MEM_X - 2, ty] }) ?? ''}
                  markerEnd={`url(#${titleId}-arrow)`}
                />,
              );
            }
            const r = rightAnchors.get(part);
            if (r) {
              out.push(
                <path
                  key={`r-${part}`}
                  className="vr-st-link vr-st-link-device"
                  d={link({ source: [r.x, r.y], target: [MEM_X + MEM_W + 2, ty] }) ?? ''}
                  markerEnd={`url(#${titleId}-arrow)`}
                />,
              );
            }
            return out;
          })}
        </svg>
      </div>
    </section>
  );
}
