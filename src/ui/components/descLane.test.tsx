// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { builtinScenario } from '../../engine/scenario/builtin';
import { Session } from '../../engine/session';
import type { QueueView } from '../../engine/view';
import { ringsI18n } from './testing/i18n';
import { stepUntil } from './testing/fixtures';
import { DescriptorTable } from './index';

const en = ringsI18n('en');
const ROW = 30;

/**
 * jsdom lays nothing out, so a tiny layout stands in for the browser's where it matters here: each table row is ROW
 * tall and stacked from the top, and the descriptor box (a flex line holding the lane and the table) is as tall as
 * the taller of the two, as in a browser. That is what made a lane sized by its box keep its height.
 */
function fakeLayout(el: Element): DOMRect {
  if (el instanceof HTMLTableRowElement) {
    const rows = [...el.closest('table')!.querySelectorAll('tr')];
    return new DOMRect(0, rows.indexOf(el) * ROW, 600, ROW);
  }
  if (el instanceof HTMLTableElement) return new DOMRect(0, 0, 600, el.querySelectorAll('tr').length * ROW);
  if (el.classList.contains('vr-desc-wrap')) {
    const table = fakeLayout(el.querySelector('table')!).height;
    const lane = Number(el.querySelector('svg')?.getAttribute('height') ?? 0);
    return new DOMRect(0, 0, 700, Math.max(table, lane));
  }
  return new DOMRect(0, 0, 0, 0);
}

beforeEach(() => {
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    return fakeLayout(this);
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** A built-in scenario at a given queue size, once a chain is in flight (so the lane has arrows). */
function queueOf(name: string, size?: number): QueueView {
  const base = builtinScenario(name)!;
  const s = new Session(size === undefined ? base : { ...base, queue: { ...base.queue, size } }, 1);
  return stepUntil(s, (st) => st.view.queues[0]!.chains.length > 0).view.queues[0]!;
}

const laneOf = (c: HTMLElement) => c.querySelector('svg.vr-desc-lane')!;
const tableHeight = (c: HTMLElement) => fakeLayout(c.querySelector('table.vr-desc-table')!).height;

describe('the descriptor table lane of arrows', () => {
  it('shrinks with its table when a big queue is replaced by a small one', () => {
    const big = queueOf('write-batch-event-idx');
    const small = queueOf('index-wrap');
    expect(big.size).toBeGreaterThan(small.size);
    const { container, rerender } = render(
      <I18nextProvider i18n={en}>
        <DescriptorTable queue={big} changed={new Set()} />
      </I18nextProvider>,
    );
    const bigHeight = tableHeight(container);
    expect(bigHeight).toBeGreaterThanOrEqual((big.size + 1) * ROW);
    expect(Number(laneOf(container).getAttribute('height'))).toBe(bigHeight);

    rerender(
      <I18nextProvider i18n={en}>
        <DescriptorTable queue={small} changed={new Set()} />
      </I18nextProvider>,
    );
    expect(tableHeight(container)).toBeLessThan(bigHeight / 2);
    expect(Number(laneOf(container).getAttribute('height'))).toBe(tableHeight(container));
    expect(laneOf(container).getAttribute('viewBox')).toMatch(new RegExp(` ${tableHeight(container)}$`));
  });

  it('follows the queue size changed in place, down and back up', () => {
    const sizes = [32, 8, 16];
    const { container, rerender } = render(<I18nextProvider i18n={en}>{null}</I18nextProvider>);
    for (const size of sizes) {
      rerender(
        <I18nextProvider i18n={en}>
          <DescriptorTable queue={queueOf('write-batch-flags', size)} changed={new Set()} />
        </I18nextProvider>,
      );
      expect(container.querySelectorAll('tr[data-desc]')).toHaveLength(size);
      expect(Number(laneOf(container).getAttribute('height'))).toBe(tableHeight(container));
    }
  });
});
