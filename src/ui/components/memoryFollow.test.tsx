// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/react';
import { Profiler, type ReactElement } from 'react';
import { I18nextProvider } from 'react-i18next';
import { ringsI18n } from './testing/i18n';
import { session, stepUntil, writtenBy } from './testing/fixtures';
import { MemoryView } from './MemoryView';
import { LINE_BYTES, memoryRows } from './derive/memoryRows';
import type { SimulationState } from '../../engine/client/types';

afterEach(cleanup);

const en = ringsI18n('en');

/** The row of the hex view holding the first byte a state's step wrote. */
function rowOfFirstWrite(st: SimulationState): number {
  const regions = [...st.view.regions].sort((a, b) => a.start - b.start);
  const rows = memoryRows(regions, st.memory.length);
  const first = Math.min(...writtenBy(st));
  return rows.findIndex((r) => r.type === 'line' && r.addr === first - (first % LINE_BYTES));
}

/** Two states of one run: a write near the top of the view, then one far below the first screenful. */
function twoSteps() {
  const s = session('indirect');
  // Small writes (an index, a descriptor), so every byte written is in the lines drawn.
  const wrote = (x: SimulationState) => writtenBy(x).size > 0 && writtenBy(x).size <= 16;
  const near = stepUntil(s, (x) => wrote(x) && rowOfFirstWrite(x) <= 10);
  // jsdom has no layout: the view assumes a 480 px box (20 rows) and draws 12 rows more, so row 40 is out of it.
  const far = stepUntil(s, (x) => wrote(x) && rowOfFirstWrite(x) >= 40);
  return { near, far };
}

const marked = (c: HTMLElement) => c.querySelectorAll('.vr-mem-bytes .vr-changed').length;

describe('MemoryView following the writes', () => {
  it('draws the lines it follows to in the step’s own render: one commit per step', () => {
    const { near, far } = twoSteps();
    let commits = 0;
    const view = (st: SimulationState): ReactElement => (
      <I18nextProvider i18n={en}>
        <Profiler id="mem" onRender={() => commits++}>
          <MemoryView memory={st.memory} regions={st.view.regions} changed={writtenBy(st)} />
        </Profiler>
      </I18nextProvider>
    );
    const { container, rerender } = render(view(near));
    expect(marked(container)).toBe(writtenBy(near).size);
    commits = 0;
    rerender(view(far));
    expect(commits).toBe(1);
    expect(marked(container)).toBe(writtenBy(far).size);
  });

  it('while skipped out of view it stays put, and follows when it comes into view', async () => {
    const { near, far } = twoSteps();
    const view = (st: SimulationState): ReactElement => (
      <I18nextProvider i18n={en}>
        <MemoryView memory={st.memory} regions={st.view.regions} changed={writtenBy(st)} />
      </I18nextProvider>
    );
    const { container, rerender } = render(view(near));
    const panel = container.querySelector('section.vr-memory')!;
    const scroller = container.querySelector<HTMLElement>('.vr-mem-scroll')!;
    const visibility = (skipped: boolean) =>
      act(() => {
        panel.dispatchEvent(Object.assign(new Event('contentvisibilityautostatechange'), { skipped }));
      });

    visibility(true);
    rerender(view(far));
    expect(marked(container)).toBe(0);
    expect(scroller.scrollTop).toBe(0);

    visibility(false);
    expect(marked(container)).toBe(writtenBy(far).size);
    await vi.waitFor(() => expect(scroller.scrollTop).toBeGreaterThan(0));
  });
});
