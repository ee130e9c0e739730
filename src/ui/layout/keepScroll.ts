/**
 * Before a change that reflows the whole page (Presenter changes the type size and hides panels), remembers the
 * element of the main area at the middle of the window and where it is; the function returned scrolls it back to
 * the same place, so the page does not seem to jump.
 */
export function keepScrollAnchor(): () => void {
  const main = document.querySelector('main');
  if (!main) return () => {};
  const x = window.innerWidth / 2;
  let anchor: Element | null = null;
  // The middle first, then further down (the middle may fall on a gap between panels or on a docked panel).
  for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2]) {
    // A block of the page (a row, a field, a panel's part), not a shape inside a drawing, which moves within it.
    const el = document.elementFromPoint(x, window.innerHeight * f)?.closest('tr, li, p, dd, dt, h2, h3, div');
    if (el && main.contains(el) && el !== main) {
      anchor = el;
      break;
    }
  }
  if (!anchor) return () => {};
  const before = anchor.getBoundingClientRect().top;
  const target = anchor;
  return () => {
    if (!target.isConnected) return;
    const moved = target.getBoundingClientRect().top - before;
    if (Math.abs(moved) >= 1) window.scrollBy({ top: moved, behavior: 'instant' });
  };
}
