// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { commandFor } from './useKeyboard';

const key = (k: string, target: EventTarget) =>
  commandFor({ key: k, target, ctrlKey: false, metaKey: false, altKey: false });

/** A tabIndex=0 region whose content is `content` px wide in a box `box` px wide (jsdom does no layout). */
function region(content: number, box: number, overflowX = 'auto'): HTMLDivElement {
  const el = document.createElement('div');
  el.tabIndex = 0;
  el.style.overflowX = overflowX;
  Object.defineProperty(el, 'scrollWidth', { value: content });
  Object.defineProperty(el, 'clientWidth', { value: box });
  document.body.append(el);
  return el;
}

describe('commandFor and regions that scroll sideways', () => {
  it('leaves ← and → to a focused region wider inside than its box', () => {
    const wide = region(584, 352);
    expect(key('ArrowRight', wide)).toBeNull();
    expect(key('ArrowLeft', wide)).toBeNull();
    // Only the arrows: Space and ? still work there.
    expect(key(' ', wide)).toBe('togglePlay');
    expect(key('?', wide)).toBe('help');
    expect(key('ArrowRight', region(584, 352, 'scroll'))).toBeNull();
  });

  it('steps from a region that fits, or one that clips rather than scrolls', () => {
    expect(key('ArrowRight', region(352, 352))).toBe('step');
    expect(key('ArrowLeft', region(352, 352))).toBe('back');
    expect(key('ArrowRight', region(584, 352, 'hidden'))).toBe('step');
  });
});
