// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { axisBottom } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { ringsI18n } from './testing/i18n';
import { session, stepUntil } from './testing/fixtures';
import { Timeline } from './Timeline';

afterEach(cleanup);

/** What d3-axis's axisBottom draws for the timeline's scale (the Timeline drew it with d3 before it drew it itself). */
function d3Axis(lo: number, hi: number, width: number): string {
  const scale = scaleLinear()
    .domain([lo, hi])
    .range([16, width - 16]);
  const values = scale.ticks(Math.max(2, Math.floor(width / 90))).filter((v) => Number.isInteger(v));
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  select(g).call(
    axisBottom(scale)
      .tickValues(values)
      .tickFormat((d) => String(d)),
  );
  return g.innerHTML;
}

describe('Timeline axis', () => {
  it('is drawn as d3-axis draws it, and follows the run as it grows', () => {
    const s = session('indirect');
    const en = ringsI18n('en');
    const first = stepUntil(s, (x) => x.view.step >= 7);
    const view = (st: typeof first) => (
      <I18nextProvider i18n={en}>
        <Timeline timeline={st.timeline} step={st.view.step} onJump={() => {}} />
      </I18nextProvider>
    );
    const { container, rerender } = render(view(first));
    // jsdom has no layout: the timeline keeps its starting width of 800 px.
    const axis = () => container.querySelector('.vr-tl-axis')!;
    expect(axis().innerHTML).toBe(d3Axis(0, first.timeline.length, 800));
    const later = stepUntil(s, (x) => x.view.step >= 60);
    rerender(view(later));
    expect(axis().innerHTML).toBe(d3Axis(0, later.timeline.length, 800));
    expect(axis().getAttribute('font-family')).toBe('sans-serif');
    expect(axis().getAttribute('text-anchor')).toBe('middle');
  });
});
