import type { QueueView } from '../../engine/view';
import { u16Sub } from '../../virtio/types';
import { newestSlotHolding, ringWindow, slotOf } from '../components/derive/rings';
import { availFlagNames, descFlagNames, hex, usedFlagNames } from '../components/format';
import { requestSwatch } from '../components/palette';

/** The words of the diagram, in the page's language (field names such as addr and idx stay as the spec has them). */
export interface DiagramLabels {
  descTable: string;
  availRing: string;
  usedRing: string;
  /** e.g. "step 42" */
  step: string;
  /** e.g. "showing slots 0–63 of 256" for rings too long to draw whole; {{shown}} and {{size}}. */
  truncated: (shown: number, size: number) => string;
}

export interface DiagramInput {
  queue: QueueView;
  /** Heading: the scenario's title. */
  title: string;
  labels: DiagramLabels;
  /** The current step's sentence (who did what), drawn as the caption; empty at step 0. */
  caption: string;
}

export const DEFAULT_LABELS: DiagramLabels = {
  descTable: 'Descriptor table',
  availRing: 'Available ring (driver → device)',
  usedRing: 'Used ring (device → driver)',
  step: 'step',
  truncated: (shown, size) => `showing the first ${shown} of ${size}`,
};

/** Rows drawn at most per table; a ring of 1024 would not fit a slide. */
const MAX_ROWS = 32;
const WIDTH = 1280;
const ROW = 26;
const TOP = 118;
const SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif";
const MONO = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace";
const INK = '#1a1a1a';
const DIM = '#6b6b6b';
const RULE = '#c8c8c8';

export const escapeXml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

function text(x: number, y: number, body: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${escapeXml(body)}</text>`;
}

/** Where one ring's column goes and what its rows say (the avail and used rings share the drawing). */
interface RingColumn {
  x: number;
  title: string;
  header: string;
  field: string;
  idx: number;
  /** The slot `idx` points at, marked "← idx". */
  idxSlot: number;
  box: { x: number; width: number; fill: string };
  labelX: number;
  valueX: number;
  markX: number;
  value: (slot: number) => string;
  slot: string;
}

function ringColumn(out: string[], rows: number, rowY: (i: number) => number, c: RingColumn): void {
  out.push(
    text(c.x, TOP, c.title, 'font-weight="700"'),
    text(c.x, TOP + 22, c.header, `font-family="${MONO}" font-size="14" data-field="${c.field}" data-value="${c.idx}"`),
  );
  for (let k = 0; k < rows; k++) {
    const y = rowY(k);
    out.push(
      `<rect x="${c.box.x}" y="${y}" width="${c.box.width}" height="${ROW - 2}" fill="${c.box.fill}" stroke="${RULE}"/>`,
    );
    out.push(text(c.labelX, y + 18, `[${k}]`, `font-family="${MONO}" fill="${DIM}"`));
    out.push(text(c.valueX, y + 18, c.value(k), `font-family="${MONO}" data-slot="${c.slot}[${k}]"`));
    if (k === c.idxSlot) out.push(text(c.markX, y + 18, '← idx', `font-family="${MONO}" font-size="13" fill="${DIM}"`));
  }
}

/** Splits a sentence into lines of about `width` characters (CJK text has no spaces: it is cut anywhere). */
export function wrap(sentence: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of sentence.split(/(\s+)/)) {
    if ((line + word).length > width && line.trim() !== '') {
      lines.push(line.trim());
      line = '';
    }
    line += word;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line.trim() !== '') lines.push(line.trim());
  return lines;
}

/** Arrowheads are drawn per colour: context-stroke is not understood by every slide program. */
const markerId = (color: string): string => `head-${color.replace(/[^0-9a-z]/gi, '')}`;
const marker = (color: string): string =>
  `<marker id="${markerId(color)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;

const arrow = (x1: number, y1: number, x2: number, y2: number, color: string): string => {
  const mid = (x1 + x2) / 2;
  return `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="${color}" stroke-width="2" marker-end="url(#${markerId(color)})"/>`;
};

/**
 * The queue as a stand-alone SVG document for slides: the descriptor table, the available and used rings with
 * their indices, arrows from ring slots to the chains they hold and along each chain, and the step's sentence
 * as the caption. Black on white, fonts the viewer has; reads only the MachineView.
 */
export function renderQueueSvg(input: DiagramInput, step: number): string {
  const { queue: q, labels } = input;
  const size = q.size;
  const rows = Math.min(size, MAX_ROWS);
  const captionLines = input.caption ? wrap(input.caption, 120) : [];
  const tableBottom = TOP + 34 + rows * ROW;
  const height = tableBottom + 40 + (size > rows ? 24 : 0) + captionLines.length * 24 + 24;
  const rowY = (i: number) => TOP + 34 + i * ROW;
  const chainOf = new Map<number, { color: string; request: number | null }>();
  for (const c of q.chains) {
    const swatch = c.request === null ? { color: '#999999' } : requestSwatch(c.request);
    for (const d of c.descs) chainOf.set(d, { color: swatch.color, request: c.request });
  }
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${SANS}" font-size="15" fill="${INK}">`,
    `<title>${escapeXml(`${input.title} · vq${q.index} · ${labels.step} ${step}`)}</title>`,
    `<defs>${[...new Set([...chainOf.values()].map((c) => c.color))].map(marker).join('')}</defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(32, 42, input.title, 'font-size="24" font-weight="700"'),
    text(
      32,
      72,
      `vq${q.index} · size ${size} · ${labels.step} ${step} · avail.idx ${q.avail.idx} · used.idx ${q.used.idx}`,
      `font-family="${MONO}" font-size="16" fill="${DIM}"`,
    ),
  );

  // Available ring, left.
  const ax = 32;
  const aw = 230;
  ringColumn(out, rows, rowY, {
    x: ax,
    title: labels.availRing,
    header: `flags ${availFlagNames(q.avail.flags).join('|') || '0'} · idx ${q.avail.idx}`,
    field: 'avail.idx',
    idx: q.avail.idx,
    idxSlot: slotOf(q.avail.idx, size),
    box: { x: ax, width: aw - 60, fill: '#fdf3e1' },
    labelX: ax + 8,
    valueX: ax + 60,
    markX: ax + aw - 56,
    value: (k) => String(q.avail.ring[k]!),
    slot: 'avail.ring',
  });

  // Descriptor table, middle.
  const dx = 330;
  const cols = [
    { label: '#', x: dx + 8 },
    { label: 'addr', x: dx + 56 },
    { label: 'len', x: dx + 206 },
    { label: 'flags', x: dx + 286 },
    { label: 'next', x: dx + 446 },
  ];
  const dw = 500;
  out.push(text(dx, TOP, labels.descTable, 'font-weight="700"'));
  for (const c of cols) out.push(text(c.x, TOP + 22, c.label, `font-family="${MONO}" font-size="14" fill="${DIM}"`));
  for (let i = 0; i < rows; i++) {
    const d = q.desc[i]!;
    const y = rowY(i);
    const chain = chainOf.get(i);
    const fill = chain ? `${chain.color}22` : '#ffffff';
    const ink = d.free ? DIM : INK;
    out.push(
      `<rect x="${dx}" y="${y}" width="${dw}" height="${ROW - 2}" fill="${fill}" stroke="${chain?.color ?? RULE}"/>`,
      `<g font-family="${MONO}" fill="${ink}" data-desc="${i}">`,
      text(cols[0]!.x, y + 18, String(i)),
      text(cols[1]!.x, y + 18, hex(d.addr)),
      text(cols[2]!.x, y + 18, String(d.len)),
      text(cols[3]!.x, y + 18, descFlagNames(d.flags).join('|') || '0'),
      text(cols[4]!.x, y + 18, String(d.next)),
      '</g>',
    );
  }

  // Used ring, right.
  const ux = 930;
  const uw = 318;
  ringColumn(out, rows, rowY, {
    x: ux,
    title: labels.usedRing,
    header: `flags ${usedFlagNames(q.used.flags).join('|') || '0'} · idx ${q.used.idx}`,
    field: 'used.idx',
    idx: q.used.idx,
    idxSlot: slotOf(q.used.idx, size),
    box: { x: ux + 40, width: uw - 100, fill: '#e6f4ef' },
    labelX: ux,
    valueX: ux + 50,
    markX: ux + uw - 54,
    value: (k) => `id ${q.used.ring[k]!.id} · len ${q.used.ring[k]!.len}`,
    slot: 'used.ring',
  });

  // Arrows: ring slots to the chains they hold, and along each chain.
  // The avail arrow starts at the newest entry of the last lap that names the head; the used arrow only at an entry
  // the driver has not taken back yet (the window the live used ring marks as pending).
  const mid = ROW / 2 - 1;
  const availLap = ringWindow(u16Sub(q.avail.idx, size), q.avail.idx, size);
  const pending = ringWindow(q.driver.last_used_idx, q.used.idx, size);
  for (const c of q.chains) {
    const color = chainOf.get(c.head)!.color;
    const a = newestSlotHolding(availLap, (slot) => q.avail.ring[slot]!, c.head);
    if (a >= 0 && a < rows && c.head < rows)
      out.push(arrow(ax + aw - 60, rowY(a) + mid, dx - 2, rowY(c.head) + mid, color));
    const u = newestSlotHolding(pending, (slot) => q.used.ring[slot]!.id, c.head);
    if (u >= 0 && u < rows && c.head < rows)
      out.push(arrow(ux + 40, rowY(u) + mid, dx + dw + 2, rowY(c.head) + mid, color));
    for (let k = 0; k + 1 < c.descs.length; k++) {
      const from = c.descs[k]!;
      const to = c.descs[k + 1]!;
      if (from >= rows || to >= rows) continue;
      const x = dx + dw + 2;
      const bulge = 22 + 6 * Math.min(4, Math.abs(to - from));
      out.push(
        `<path d="M${x},${rowY(from) + mid} C${x + bulge},${rowY(from) + mid} ${x + bulge},${rowY(to) + mid} ${x},${rowY(to) + mid}" fill="none" stroke="${color}" stroke-width="2" marker-end="url(#${markerId(color)})"/>`,
      );
    }
  }

  let y = tableBottom + 14;
  if (size > rows) {
    y += 10;
    out.push(text(32, y, labels.truncated(rows, size), `font-size="14" fill="${DIM}"`));
  }
  y += 16;
  for (const line of captionLines) {
    y += 24;
    out.push(text(32, y, line, 'font-size="18"'));
  }
  out.push('</svg>');
  return out.join('\n');
}
