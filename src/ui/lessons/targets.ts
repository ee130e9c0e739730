import type { HighlightName, ParsedHighlight } from '../../lessons/highlights';

/** A field's box by the aria-label of its value (the real field name, the same in every language). */
const field = (scope: string, label: string) => `${scope} .vr-field:has(> dd[aria-label="${label}"])`;
const index = (label: string) => `.vr-index:has(> dd[aria-label="${label}"])`;
/**
 * A private index in its side's panel and, the same value, in the copy its ring shows beside the published index
 * (`.vr-index-guest` / `-device`): both are outlined, and a stop scrolls to the one nearer the rest of what it marks.
 */
const privateIndex = (scope: string, label: string, ring: 'avail' | 'used') =>
  `${field(scope, label)}, .vr-ring.vr-${ring} .vr-index-${scope === '.vr-side-guest' ? 'guest' : 'device'}`;

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
  avail_idx_shadow: privateIndex('.vr-side-guest', 'avail_idx_shadow', 'avail'),
  last_used_idx: privateIndex('.vr-side-guest', 'last_used_idx', 'used'),
  num_added: field('.vr-side-guest', 'num_added'),
  last_avail_idx: privateIndex('.vr-side-device', 'last_avail_idx', 'avail'),
  shadow_avail_idx: field('.vr-side-device', 'shadow_avail_idx'),
  used_idx: privateIndex('.vr-side-device', 'used_idx', 'used'),
  inuse: field('.vr-side-device', 'inuse'),
  signalled_used: field('.vr-side-device', 'signalled_used'),
  // The first of the device's flags (DeviceState lists signalled_used_valid, notification, broken).
  signalled_used_valid: '.vr-side-device .vr-bools > li:first-child',
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
