// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { ReactElement } from 'react';
import { I18nextProvider } from 'react-i18next';
import { builtinScenario } from '../../engine/scenario/builtin';
import { Session } from '../../engine/session';
import { StateSnapshots } from '../../engine/client/stateSnapshots';
import { ringsI18n } from './testing/i18n';
import { AvailRing, DescriptorTable, UsedRing } from './index';
import { DESC_VIRTUAL_ABOVE } from './DescriptorTable';
import { RING_VIRTUAL_ABOVE } from './RingSlots';

afterEach(cleanup);

const en = ringsI18n('en');
const show = (ui: ReactElement) => render(<I18nextProvider i18n={en}>{ui}</I18nextProvider>);

/** A built-in scenario with a big queue, after a few requests are in flight. */
function bigQueue(size: number, steps: number) {
  const base = builtinScenario('indirect')!;
  const s = new Session({ ...base, queue: { ...base.queue, size } }, 1);
  for (let i = 0; i < steps; i++) s.stepOnce();
  return new StateSnapshots().take(s, false, null);
}

describe('big tables and rings draw only what is in view', () => {
  it('the descriptor table keeps the full row count for assistive technology and draws the first rows', () => {
    const st = bigQueue(256, 120);
    const q = st.view.queues[0]!;
    expect(q.size).toBeGreaterThan(DESC_VIRTUAL_ABOVE);
    show(<DescriptorTable queue={q} changed={new Set()} />);
    const rows = screen.getAllByTestId('desc-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(q.size);
    const indirect = q.chains.filter((c) => c.indirect).length;
    const table = rows[0]!.closest('table')!;
    expect(table.getAttribute('aria-rowcount')).toBe(String(1 + q.size + indirect));
    // Rows are in order from descriptor 0, each with its place among all rows (heading = 1, indirect rows count).
    let expected = 2;
    rows.forEach((row, i) => {
      expect(Number(row.dataset.desc)).toBe(i);
      expect(row.getAttribute('aria-rowindex')).toBe(String(expected));
      expected += q.chains.some((c) => c.head === i && c.indirect) ? 2 : 1;
    });
    // What is drawn is what memory holds.
    const cells = within(rows[0]!).getAllByRole('cell');
    expect(cells[2]!.textContent).toBe(String(q.desc[0]!.len));
  });

  it('a ring draws a window of its slots, each knowing its position in the whole ring', () => {
    const st = bigQueue(512, 60);
    const q = st.view.queues[0]!;
    expect(q.size).toBeGreaterThan(RING_VIRTUAL_ABOVE);
    show(
      <>
        <AvailRing queue={q} changed={new Set()} />
        <UsedRing queue={q} changed={new Set()} />
      </>,
    );
    for (const name of ['Available ring slots', 'Used ring slots']) {
      const list = screen.getAllByRole('list', { name }).find((l) => l.tagName === 'OL')!;
      const drawn = [...list.querySelectorAll('li.vr-slot')];
      expect(drawn.length).toBeGreaterThan(0);
      expect(drawn.length).toBeLessThan(q.size);
      drawn.forEach((li, i) => {
        expect(li.getAttribute('aria-setsize')).toBe(String(q.size));
        expect(li.getAttribute('aria-posinset')).toBe(String(i + 1));
      });
    }
    // Slot 0 of the avail ring holds the first head the driver published.
    expect(screen.getAllByLabelText(new RegExp(`^slot 0: ${q.avail.ring[0]} `)).length).toBeGreaterThan(0);
  });

  it('small queues are drawn whole, as before', () => {
    const base = builtinScenario('single-read')!;
    const st = new StateSnapshots().take(new Session(base, 1), false, null);
    const q = st.view.queues[0]!;
    show(<DescriptorTable queue={q} changed={new Set()} />);
    expect(screen.getAllByTestId('desc-row')).toHaveLength(q.size);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBeNull();
  });
});
