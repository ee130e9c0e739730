// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { FieldName } from './FieldName';
import { RING_BOX_ABOVE, RingSlots, type RingPointer, type SlotContent } from './RingSlots';
import { ringsI18n } from './testing/i18n';

// A ring of more than 16 slots is its own scroll box (capped in CSS at 40 % of the window) that keeps the entry just
// published in view as the indices move; 8 and 16 slots are drawn as they were. Field names wrap only at '.' or '_'.

afterEach(cleanup);

const en = ringsI18n('en');
const slots = (size: number): SlotContent[] =>
  Array.from({ length: size }, (_, i) => ({ main: String(i), text: `id ${i}`, changed: false, request: null }));
const pointersAt = (idx: number): RingPointer[] => [
  { name: 'avail_idx_shadow', short: 'shadow', side: 'guest', value: idx },
  { name: 'avail.idx', short: 'idx', side: 'mem', value: idx },
  { name: 'last_avail_idx', short: 'last', side: 'device', value: idx },
];

function ring(size: number, idx: number, follow?: boolean) {
  return (
    <I18nextProvider i18n={en}>
      <RingSlots
        size={size}
        label="Available ring slots"
        slots={slots(size)}
        pointers={pointersAt(idx)}
        pending={null}
        unpublished={null}
        changed={new Set()}
        follow={follow}
      />
    </I18nextProvider>
  );
}

const list = (container: HTMLElement) => container.querySelector<HTMLOListElement>('ol.vr-slots')!;

describe('which rings are boxed', () => {
  it('draws 8 and 16 slots as a plain list, with no box and no tab stop', () => {
    for (const size of [8, RING_BOX_ABOVE]) {
      const { container, unmount } = render(ring(size, 1));
      const ol = list(container);
      expect(ol.classList.contains('vr-slots-scroll')).toBe(false);
      expect(ol.hasAttribute('tabindex')).toBe(false);
      expect(container.querySelector('.vr-slots-scroll')).toBeNull();
      unmount();
    }
  });

  it('makes the list of 32 or 64 slots its own box, all slots drawn, no wrapper', () => {
    for (const size of [32, 64]) {
      const { container, unmount } = render(ring(size, 1));
      const ol = list(container);
      expect(ol.classList.contains('vr-slots-scroll')).toBe(true);
      expect(ol.parentElement!.classList.contains('vr-slots-scroll')).toBe(false);
      expect(ol.querySelectorAll(':scope > li.vr-slot')).toHaveLength(size);
      unmount();
    }
  });
});

describe('a boxed ring in a layout (jsdom lays nothing out: lines of 4 slots, 60 px each, a 200 px box)', () => {
  let observed: (() => void)[] = [];
  beforeEach(() => {
    observed = [];
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(private readonly cb: () => void) {}
        observe() {
          observed.push(this.cb);
          this.cb();
        }
        disconnect() {}
      },
    );
    const slotIndex = (el: HTMLElement) => [...el.parentElement!.children].indexOf(el);
    vi.spyOn(HTMLElement.prototype, 'offsetTop', 'get').mockImplementation(function (this: HTMLElement) {
      return this.tagName === 'LI' ? Math.floor(slotIndex(this) / 4) * 60 : 0;
    });
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
      return this.tagName === 'LI' ? 60 : 0;
    });
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
      return this.tagName === 'OL' ? 200 : 0;
    });
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockImplementation(function (this: HTMLElement) {
      return this.tagName === 'OL' ? Math.ceil(this.children.length / 4) * 60 : 0;
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('takes a tab stop and draws its frame only when it overflows', () => {
    const { container } = render(ring(64, 1));
    const ol = list(container);
    expect(ol.dataset.overflow).toBe('true');
    expect(ol.getAttribute('tabindex')).toBe('0');
  });

  it('scrolls to the entry just published when the index moves past the box, and leaves it when it is in view', () => {
    const { container, rerender } = render(ring(64, 1));
    const ol = list(container);
    expect(ol.scrollTop).toBe(0);
    // avail.idx 41: slot 40 (line 10, 600-660 px) is the newest entry, slot 41 the next.
    rerender(ring(64, 41));
    expect(ol.scrollTop).toBe(660 - 200);
    // The reader scrolls a little; the index moves within view: no jump.
    ol.scrollTop = 480;
    rerender(ring(64, 42));
    expect(ol.scrollTop).toBe(480);
    // Round the ring: back to the top.
    rerender(ring(64, 65));
    expect(ol.scrollTop).toBe(0);
  });

  it('stays put while told not to follow (a free-run), and catches up with the indices once it may again', () => {
    const { container, rerender } = render(ring(64, 1, false));
    const ol = list(container);
    rerender(ring(64, 41, false));
    expect(ol.scrollTop).toBe(0);
    rerender(ring(64, 41, true));
    expect(ol.scrollTop).toBe(660 - 200);
  });
});

describe('FieldName', () => {
  it("offers a wrap after each '.' and '_' and nowhere else, with the text unchanged", () => {
    const { container } = render(<FieldName name="split.avail_idx_shadow" />);
    const code = container.querySelector('code')!;
    expect(code.textContent).toBe('split.avail_idx_shadow');
    expect(code.querySelectorAll('wbr')).toHaveLength(3);
    const before = [...code.querySelectorAll('wbr')].map((w) => w.previousSibling!.textContent!.slice(-1));
    expect(before).toEqual(['.', '_', '_']);
  });

  it('leaves a name without either as one word', () => {
    const { container } = render(<FieldName name="inuse" />);
    expect(container.querySelectorAll('wbr')).toHaveLength(0);
    expect(container.textContent).toBe('inuse');
  });
});
