import { parseHighlight, type HighlightId } from '../../lessons/highlights';
import { selectorOf } from './targets';

export interface ResolvedHighlight {
  id: HighlightId;
  selector: string;
}

export function resolveHighlights(ids: readonly HighlightId[]): ResolvedHighlight[] {
  return ids.flatMap((id) => {
    const parsed = parseHighlight(id);
    return parsed ? [{ id, selector: selectorOf(parsed) }] : [];
  });
}

/**
 * The style sheet that outlines the highlighted elements. A rule rather than a class on each element: the
 * components re-render (and re-create elements) as the simulation moves, and a rule follows them.
 */
export function highlightCss(highlights: readonly ResolvedHighlight[]): string {
  if (highlights.length === 0) return '';
  const all = highlights.map((h) => h.selector).join(',\n');
  return `${all} {
  outline: 4px solid var(--lesson-mark, #d55e00);
  outline-offset: 3px;
  border-radius: 4px;
  animation: lesson-pulse 1.6s ease-in-out 2;
}
@media (prefers-reduced-motion: reduce) {
  ${all} {
    animation: none;
  }
}`;
}

/** How much of the window's top a sticky bar (the controls) covers. */
function coveredTop(): number {
  const bar = document.querySelector('.controls');
  if (!bar || getComputedStyle(bar).position !== 'sticky') return 0;
  const r = bar.getBoundingClientRect();
  return r.top <= 1 && r.bottom < window.innerHeight / 2 ? r.bottom : 0;
}

/**
 * Scrolls the first highlighted element into the part of the window that the sticky controls and the lesson
 * panel leave free, centred when it fits, its top first when not. Does nothing when it is already in view.
 */
export function scrollToHighlight(selector: string, coveredBottom: number, smooth: boolean): void {
  scrollToHighlights([selector], coveredBottom, smooth);
}

/** A highlighted element's vertical extent, in page coordinates. */
export interface Extent {
  top: number;
  bottom: number;
  /** Its area on screen: the tie-breaker between two scroll positions that show as many elements. */
  area: number;
}

/**
 * Where to scroll (the page's y at the top of the free part of the window, `room` high) so that the highlighted
 * elements are seen together: all of them centred when they fit; otherwise a position that shows the first of them
 * (what the stop is about, as the lesson lists it) whole when it fits, and with it the largest area of the others
 * whole (a ring's slots, which a question asks about, before two small index fields elsewhere), then the most of
 * them. Null when the current position (`now`) already shows as much as any would.
 */
export function bestScroll(extents: readonly Extent[], now: number, room: number): number | null {
  if (extents.length === 0 || room <= 0) return null;
  const top = Math.min(...extents.map((e) => e.top));
  const bottom = Math.max(...extents.map((e) => e.bottom));
  const main = extents[0]!;
  const mainFits = main.bottom - main.top <= room;
  const shown = (at: number) => {
    let count = 0;
    let area = 0;
    for (const e of extents)
      if (e.top >= at - 0.5 && e.bottom <= at + room + 0.5) {
        count++;
        area += e.area;
      }
    const first = mainFits && main.top >= at - 0.5 && main.bottom <= at + room + 0.5;
    return { first, count, area };
  };
  type Shown = ReturnType<typeof shown>;
  const better = (a: Shown, b: Shown) =>
    (a.first && !b.first) || (a.first === b.first && (a.area > b.area || (a.area === b.area && a.count > b.count)));
  if (bottom - top <= room) {
    if (top >= now && bottom <= now + room) return null;
    return top - (room - (bottom - top)) / 2;
  }
  // Each candidate puts one element's top at the top of the free part, or one's bottom at its bottom.
  let best = shown(now);
  let at: number | null = null;
  for (const e of extents)
    for (const c of [e.top, e.bottom - room]) {
      const s = shown(c);
      if (better(s, best)) {
        best = s;
        at = c;
      }
    }
  // An element taller than the free part: its top first.
  if (best.count === 0 && at === null) return extents[0]!.top;
  if (at === null) return null;
  // Centre the elements that position shows whole.
  const whole = extents.filter((e) => e.top >= at - 0.5 && e.bottom <= at + room + 0.5);
  const from = Math.min(...whole.map((e) => e.top));
  const to = Math.max(...whole.map((e) => e.bottom));
  return from - (room - (to - from)) / 2;
}

/** Bumped by every scroll request: a correction still pending for an earlier one is dropped. */
let scrollRequest = 0;

/**
 * Scrolls the highlighted elements into the part of the window that the sticky controls and the lesson panel leave
 * free, together when they fit (a question about a ring shows the ring with it), else as many as fit. Panels far down
 * the page are laid out only as they come near the view (content-visibility: auto), so what was measured before the
 * scroll can be an estimate: once the scroll has ended, the elements are measured again and the scroll corrected
 * (at most twice). `smooth` false (prefers-reduced-motion) jumps.
 */
export function scrollToHighlights(selectors: readonly string[], coveredBottom: number, smooth: boolean): void {
  const request = ++scrollRequest;
  const go = (corrections: number) => {
    if (request !== scrollRequest) return;
    const extents: Extent[] = [];
    for (const selector of selectors) {
      const el = document.querySelector(selector);
      if (!el) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      extents.push({ top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, area: r.width * r.height });
    }
    const top = coveredTop();
    const room = window.innerHeight - coveredBottom - top;
    const at = bestScroll(extents, window.scrollY + top, room);
    if (at === null) return;
    const to = Math.max(0, Math.min(at - top, document.documentElement.scrollHeight - window.innerHeight));
    if (Math.abs(to - window.scrollY) < 2) return;
    window.scrollTo({ top: to, behavior: smooth ? 'smooth' : 'auto' });
    if (corrections <= 0) return;
    const again = () => go(corrections - 1);
    if (smooth && 'onscrollend' in window) {
      window.addEventListener('scrollend', again, { once: true });
      // A smooth scroll that another one interrupts may not end on its own: give up on the correction then.
      setTimeout(() => window.removeEventListener('scrollend', again), 3000);
    } else requestAnimationFrame(() => requestAnimationFrame(again));
  };
  go(2);
}
