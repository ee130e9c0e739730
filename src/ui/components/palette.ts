import type { RegionKind } from '../../virtio/allocationMap';

/**
 * Okabe & Ito's palette: its colours stay apart under the common colour-vision deficiencies. Colour is never the
 * only cue: every request also gets a glyph, every region kind a glyph and a name.
 */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'] as const;
const GLYPHS = ['●', '■', '▲', '◆', '▼', '★', '✚'] as const;

export interface Swatch {
  color: string;
  glyph: string;
}

/** A request's colour and glyph. Glyphs shift every seven ids, so 49 requests in a row look different. */
export function requestSwatch(id: number): Swatch {
  const n = OKABE_ITO.length;
  const k = ((id % n) + n) % n;
  return { color: OKABE_ITO[k]!, glyph: GLYPHS[(k + Math.floor(id / n)) % n]! };
}

export const REGION_SWATCH: Record<RegionKind, Swatch> = {
  'desc-table': { color: '#0072B2', glyph: '■' },
  'avail-ring': { color: '#E69F00', glyph: '▲' },
  'used-ring': { color: '#009E73', glyph: '▼' },
  'indirect-table': { color: '#CC79A7', glyph: '◆' },
  'blk-header': { color: '#56B4E9', glyph: '●' },
  'data-buffer': { color: '#F0E442', glyph: '▬' },
  'status-byte': { color: '#D55E00', glyph: '★' },
  other: { color: '#999999', glyph: '○' },
};
