/**
 * What a stop can point at on screen. Plain names are whole panels or fields; `desc:N`, `avail-slot:N` and
 * `used-slot:N` are one descriptor or ring slot of the queue shown. The UI maps each to an element
 * (src/ui/lessons/targets.ts); here they are only names, so lessons stay free of the DOM.
 */
export const HIGHLIGHT_NAMES = [
  'notify',
  'driver',
  'device',
  'desc-table',
  'indirect-table',
  'avail-ring',
  'used-ring',
  'avail-slots',
  'used-slots',
  'avail.idx',
  'used.idx',
  'avail.flags',
  'used.flags',
  'used_event',
  'avail_event',
  'free-list',
  'free_head',
  'num_free',
  'avail_idx_shadow',
  'last_used_idx',
  'num_added',
  'last_avail_idx',
  'shadow_avail_idx',
  'used_idx',
  'inuse',
  'signalled_used',
  'signalled_used_valid',
  'counters',
  'step',
  'error-panel',
  'timeline',
  'queue-picker',
] as const;
export type HighlightName = (typeof HIGHLIGHT_NAMES)[number];

export const INDEXED_HIGHLIGHTS = ['desc', 'avail-slot', 'used-slot'] as const;
export type IndexedHighlight = (typeof INDEXED_HIGHLIGHTS)[number];

export type HighlightId = HighlightName | `${IndexedHighlight}:${number}`;

export type ParsedHighlight = { name: HighlightName } | { indexed: IndexedHighlight; index: number };

/** Splits a highlight id into a panel name or an indexed element; null when it is neither. */
export function parseHighlight(id: string): ParsedHighlight | null {
  if ((HIGHLIGHT_NAMES as readonly string[]).includes(id)) return { name: id as HighlightName };
  const m = /^([a-z-]+):(\d+)$/.exec(id);
  if (m && (INDEXED_HIGHLIGHTS as readonly string[]).includes(m[1]!))
    return { indexed: m[1] as IndexedHighlight, index: Number(m[2]) };
  return null;
}

/** The lessons-namespace key naming a highlight for the reader ("avail.idx" → ui.highlight.avail-idx). */
export function highlightLabelKey(parsed: ParsedHighlight): string {
  return `ui.highlight.${'name' in parsed ? parsed.name.replace('.', '-') : parsed.indexed}`;
}
