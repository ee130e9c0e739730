// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { markClasses, RingSlots, type RingPointer, type SlotContent } from './RingSlots';
import { ringsI18n } from './testing/i18n';

// A ring that wraps over several lines: each index's tag must belong, in the DOM and in what is drawn, to the one
// slot it points at (joined to that slot's box, whose edge takes the tag's colour), never to a line beyond.

afterEach(cleanup);

const en = ringsI18n('en');
const slots = (size: number): SlotContent[] =>
  Array.from({ length: size }, (_, i) => ({ main: String(i), text: `id ${i}`, changed: false, request: null }));

function show(size: number, pointers: RingPointer[]) {
  const { container } = render(
    <I18nextProvider i18n={en}>
      <RingSlots
        size={size}
        label="Available ring slots"
        slots={slots(size)}
        pointers={pointers}
        pending={null}
        unpublished={null}
        changed={new Set()}
      />
    </I18nextProvider>,
  );
  return [...container.querySelectorAll<HTMLLIElement>('li.vr-slot')];
}

const slotNo = (li: Element) => Number(/^slot (\d+):/.exec(li.getAttribute('aria-label') ?? '')![1]);
const tags = (el: Element | null) => [...(el?.querySelectorAll('.vr-ptr-short') ?? [])].map((t) => t.textContent);

/** Where each tag is drawn: the slot whose item holds it, and on which side of that slot's box. */
function tagPlaces(items: HTMLLIElement[]) {
  const out: { tag: string; slot: number; side: 'above' | 'below'; joined: boolean }[] = [];
  for (const li of items) {
    const box = li.querySelector(':scope > .vr-slot-box')!;
    const above = li.querySelector(':scope > .vr-ptrs-above')!;
    const below = li.querySelector(':scope > .vr-ptrs-below')!;
    // The tag groups sit right against the box: above it, then below it, inside the slot's own item.
    expect(above.nextElementSibling).toBe(box);
    expect(below.previousElementSibling).toBe(box);
    tags(above).forEach((tag, i, all) =>
      out.push({ tag: tag!, slot: slotNo(li), side: 'above', joined: i === all.length - 1 }),
    );
    tags(below).forEach((tag, i) => out.push({ tag: tag!, slot: slotNo(li), side: 'below', joined: i === 0 }));
  }
  return out;
}

const POINTERS: RingPointer[] = [
  { name: 'avail_idx_shadow', short: 'shadow', side: 'guest', value: 6 },
  { name: 'avail.idx', short: 'idx', side: 'mem', value: 6 },
  { name: 'last_avail_idx', short: 'last', side: 'device', value: 5 },
];

describe('ring markers on rings that wrap over several lines', () => {
  it('each tag is in its own slot’s item, against its box, and the box edge it touches is marked in its colour', () => {
    const items = show(16, POINTERS);
    expect(items).toHaveLength(16);
    expect(tagPlaces(items)).toEqual([
      { tag: 'last', slot: 5, side: 'below', joined: true },
      { tag: 'shadow', slot: 6, side: 'above', joined: false },
      { tag: 'idx', slot: 6, side: 'above', joined: true },
    ]);
    // The joined tag's colour is on the box edge it touches; no other slot is marked.
    expect(items[6]!.className).toMatch(/\bvr-mark-top vr-mark-top-mem\b/);
    expect(items[5]!.className).toMatch(/\bvr-mark-bottom vr-mark-bottom-device\b/);
    expect(items.filter((li) => /vr-mark-/.test(li.className)).map(slotNo)).toEqual([5, 6]);
  });

  it('a free-running index past the ring size marks the slot it wraps to, in a big ring drawn a window at a time', () => {
    const items = show(1024, [
      { name: 'avail_idx_shadow', short: 'shadow', side: 'guest', value: 1024 + 9 },
      { name: 'last_avail_idx', short: 'last', side: 'device', value: 65535 },
    ]);
    // Only the first lines are drawn (jsdom has no layout); slot 1023 is not among them.
    expect(items.length).toBeLessThan(1024);
    expect(tagPlaces(items)).toEqual([{ tag: 'shadow', slot: 9, side: 'above', joined: true }]);
    expect(items.find((li) => slotNo(li) === 9)!.getAttribute('aria-posinset')).toBe('10');
  });

  it('markClasses names the side of the tag nearest the box, above and below', () => {
    const [shadow, idx, last] = POINTERS as [RingPointer, RingPointer, RingPointer];
    expect(markClasses([], [])).toBe('');
    expect(markClasses([shadow, idx], [])).toBe(' vr-mark-top vr-mark-top-mem');
    expect(markClasses([idx, shadow], [last])).toBe(
      ' vr-mark-top vr-mark-top-guest vr-mark-bottom vr-mark-bottom-device',
    );
  });
});

describe('slot names for screen readers', () => {
  it('say which indices point at a slot (the drawn tags are hidden from them)', () => {
    const items = show(16, POINTERS);
    const label = (slot: number) => items.find((li) => slotNo(li) === slot)!.getAttribute('aria-label');
    expect(label(6)).toBe('slot 6: id 6 (old entry); pointed at by avail_idx_shadow, avail.idx');
    expect(label(5)).toBe('slot 5: id 5 (old entry); pointed at by last_avail_idx');
    expect(label(0)).toBe('slot 0: id 0 (old entry)');
  });
});
