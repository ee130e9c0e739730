import type { HighlightName, ParsedHighlight } from '../../lessons/highlights';

/** A field's box by the aria-label of its value (the real field name, the same in every language). */
const field = (scope: string, label: string) => `${scope} .vr-field:has(> dd[aria-label="${label}"])`;
const index = (label: string) => `.vr-index:has(> dd[aria-label="${label}"])`;

/**
 * Where each highlight is on screen: CSS selectors on the components' stable hooks (their classes, the
 * aria-labels that carry real field names, data-desc on descriptor rows), so the components need no change.
 */
export const HIGHLIGHT_SELECTORS: Record<HighlightName, string> = {
  notify: '.vr-notify',
  driver: '.vr-side-guest',
  device: '.vr-side-device',
  'desc-table': '.vr-desc',
  'indirect-table': '.vr-indirect-row',
  'avail-ring': '.vr-ring.vr-avail',
  'used-ring': '.vr-ring.vr-used',
  'avail-slots': '.vr-ring.vr-avail .vr-slots',
  'used-slots': '.vr-ring.vr-used .vr-slots',
  'avail.idx': index('avail.idx'),
  'used.idx': index('used.idx'),
  'avail.flags': '.vr-ring.vr-avail .vr-index-flags',
  'used.flags': '.vr-ring.vr-used .vr-index-flags',
  used_event: index('used_event'),
  avail_event: index('avail_event'),
  'free-list': '.vr-side-guest .vr-freelist',
  free_head: field('.vr-side-guest', 'free_head'),
  num_free: field('.vr-side-guest', 'num_free'),
  avail_idx_shadow: field('.vr-side-guest', 'avail_idx_shadow'),
  last_used_idx: field('.vr-side-guest', 'last_used_idx'),
  num_added: field('.vr-side-guest', 'num_added'),
  last_avail_idx: field('.vr-side-device', 'last_avail_idx'),
  shadow_avail_idx: field('.vr-side-device', 'shadow_avail_idx'),
  used_idx: field('.vr-side-device', 'used_idx'),
  inuse: field('.vr-side-device', 'inuse'),
  signalled_used: field('.vr-side-device', 'signalled_used'),
  counters: '.counters',
  step: '.step-panel',
  'error-panel': '.error-panel',
  timeline: '.vr-timeline',
  'queue-picker': '.queue-picker',
};

/** The CSS selector of a parsed highlight. */
export function selectorOf(h: ParsedHighlight): string {
  if ('name' in h) return HIGHLIGHT_SELECTORS[h.name];
  switch (h.indexed) {
    case 'desc':
      return `.vr-desc tr[data-desc="${h.index}"]`;
    case 'avail-slot':
      return `.vr-ring.vr-avail .vr-slots > li:nth-child(${h.index + 1})`;
    case 'used-slot':
      return `.vr-ring.vr-used .vr-slots > li:nth-child(${h.index + 1})`;
  }
}
