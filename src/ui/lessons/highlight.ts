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
  const el = document.querySelector(selector);
  if (!el) return;
  const r = el.getBoundingClientRect();
  const top = coveredTop();
  const bottom = window.innerHeight - coveredBottom;
  if (r.top >= top && r.bottom <= bottom) return;
  const room = Math.max(0, bottom - top - r.height);
  const to = window.scrollY + r.top - top - room / 2;
  window.scrollTo({ top: Math.max(0, to), behavior: smooth ? 'smooth' : 'auto' });
}
