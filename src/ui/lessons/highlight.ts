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

/**
 * How much of the window's top a sticky bar (the controls) covers once the page has scrolled to a highlight: its
 * height below its sticky offset, even while the page is at its top and the bar not stuck yet (it was taken as 0
 * then, and a phone's index box, scrolled to from the top, ended up under the bar).
 */
function coveredTop(): number {
  const bar = document.querySelector('.controls');
  if (!bar) return 0;
  const style = getComputedStyle(bar);
  if (style.position !== 'sticky') return 0;
  const bottom = (parseFloat(style.top) || 0) + bar.getBoundingClientRect().height;
  return bottom < window.innerHeight / 2 ? bottom : 0;
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
 * them; the first's top when it is taller than the free part. Null when the current position (`now`) already shows
 * as much as any would.
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
    // The area seen of the elements cut by an edge: the last tie-breaker (the first rows of a ring's slots under
    // its index rather than empty page above it).
    let seen = 0;
    for (const e of extents)
      if (e.top >= at - 0.5 && e.bottom <= at + room + 0.5) {
        count++;
        area += e.area;
      } else if (e.bottom > e.top)
        seen += (Math.max(0, Math.min(e.bottom, at + room) - Math.max(e.top, at)) * e.area) / (e.bottom - e.top);
    const first = mainFits && main.top >= at - 0.5 && main.bottom <= at + room + 0.5;
    return { first, count, area, seen };
  };
  type Shown = ReturnType<typeof shown>;
  const better = (a: Shown, b: Shown) =>
    (a.first && !b.first) ||
    (a.first === b.first &&
      (a.area > b.area || (a.area === b.area && (a.count > b.count || (a.count === b.count && a.seen > b.seen + 1)))));
  if (bottom - top <= room) {
    if (top >= now && bottom <= now + room) return null;
    return top - (room - (bottom - top)) / 2;
  }
  if (!mainFits) {
    // The first element is taller than the free part: it fills it, from its top down unless showing a little more
    // of it brings another marked element whole into view (one inside it: a field of a panel). The others never
    // push it out: a small panel elsewhere is not what the stop is about.
    const lowest = main.bottom - room;
    const within = (at: number) => at >= main.top - 0.5 && at <= lowest + 0.5;
    const candidates = extents
      .flatMap((e) => [e.top, e.bottom - room])
      .filter(within)
      .sort((a, b) => a - b);
    let at = within(now) ? now : main.top;
    let best = shown(at);
    for (const c of candidates) {
      const s = shown(c);
      if (s.area > best.area) {
        best = s;
        at = c;
      }
    }
    return at === now ? null : at;
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
  if (at === null) return null;
  // Centre the elements that position shows whole, unless that hides part of one it cuts.
  const whole = extents.filter((e) => e.top >= at - 0.5 && e.bottom <= at + room + 0.5);
  const from = Math.min(...whole.map((e) => e.top));
  const to = Math.max(...whole.map((e) => e.bottom));
  const centred = from - (room - (to - from)) / 2;
  return shown(centred).seen + 1 < best.seen ? at : centred;
}

/** The vertical gap between two extents (0 when they overlap). */
const gap = (a: { top: number; bottom: number }, b: { top: number; bottom: number }) =>
  Math.max(0, a.top - b.bottom, b.top - a.bottom);

const nearest = (options: readonly Extent[], to: { top: number; bottom: number }) =>
  options.reduce((best, e) => (gap(e, to) < gap(best, to) ? e : best));

/**
 * One element per highlight, when a highlight is on screen more than once (a private index in its side's panel
 * and in its ring's copy): for the first, the one nearest the others' (or, alone, nearest the part of the page in
 * view), for the others the one nearest the first. Highlights with no element are left out.
 */
export function pickExtents(options: readonly (readonly Extent[])[], view: { top: number; bottom: number }): Extent[] {
  const present = options.filter((o) => o.length > 0);
  if (present.length === 0) return [];
  const [first, ...rest] = present as [readonly Extent[], ...(readonly Extent[])[]];
  const cost = (e: Extent) =>
    rest.length === 0 ? gap(e, view) : rest.reduce((sum, o) => sum + gap(nearest(o, e), e), 0);
  const main = first.reduce((best, e) => (cost(e) < cost(best) ? e : best));
  return [main, ...rest.map((o) => nearest(o, main))];
}

/** What scrolling leaves clear between a marked element and the free part's edges: its outline (4 px, 3 px out). */
const EDGE = 8;

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
    const options = selectors.map((selector) =>
      [...document.querySelectorAll(selector)].flatMap((el): Extent[] => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return [];
        return [{ top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, area: r.width * r.height }];
      }),
    );
    // A few pixels kept clear at both edges, for the outline drawn outside a marked element.
    const top = coveredTop() + EDGE;
    const room = window.innerHeight - coveredBottom - top - EDGE;
    const extents = pickExtents(options, { top: window.scrollY + top, bottom: window.scrollY + top + room });
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
