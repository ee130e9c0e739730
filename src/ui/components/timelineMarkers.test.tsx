// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { RunTarget } from '../../engine/session';
import type { StepEvent } from '../../engine/step';
import { ringsI18n } from './testing/i18n';
import { session, snapshot } from './testing/fixtures';
import { Timeline } from './Timeline';

afterEach(cleanup);

type Lane = 'kicks' | 'interrupts' | 'completions' | 'errors' | 'suppressed';

/** The events that put a step in each lane (as the step log flags them). */
const LANE_EVENTS: Record<Lane, readonly StepEvent['type'][]> = {
  kicks: ['kick'],
  interrupts: ['interrupt'],
  completions: ['completed'],
  errors: ['error', 'kick-lost', 'interrupt-lost'],
  suppressed: ['kick-suppressed', 'interrupt-suppressed'],
};

/** The Run-to target whose landing steps a lane's marks must be. */
const LANE_TARGET: Partial<Record<Lane, RunTarget>> = {
  kicks: 'kick',
  interrupts: 'interrupt',
  completions: 'completion',
};

/** Lanes each scenario must show, so every kind of mark is checked by one of them. */
const EXPECTED_LANES: Record<string, Lane[]> = {
  'single-read': ['kicks', 'interrupts', 'completions'],
  'write-batch-event-idx': ['kicks', 'interrupts', 'completions', 'suppressed'],
  'bad-guest-looped-chain': ['kicks', 'errors'],
  'bad-guest-lost-interrupt': ['kicks', 'errors'],
};

function finished(name: string) {
  const s = session(name);
  let n = 0;
  while (s.stepOnce() && ++n < 3000) {
    /* to the end (or far enough) */
  }
  return s;
}

function drawn(container: HTMLElement, lane: Lane): number[] {
  return [...container.querySelectorAll(`.vr-tl-${lane} path`)].map((p) => Number(p.getAttribute('data-at')));
}

describe('Timeline markers', () => {
  it.each(['single-read', 'write-batch-event-idx', 'bad-guest-looped-chain', 'bad-guest-lost-interrupt'])(
    '%s: every mark sits at the step that shows its event, where Run to next lands',
    (name) => {
      const s = finished(name);
      const st = snapshot(s);
      const { container } = render(
        <I18nextProvider i18n={ringsI18n('en')}>
          <Timeline timeline={st.timeline} step={st.view.step} onJump={() => {}} complete />
        </I18nextProvider>,
      );
      let seen = 0;
      for (const lane of Object.keys(LANE_EVENTS) as Lane[]) {
        const marks = drawn(container, lane);
        seen += marks.length;
        for (const at of marks) {
          s.jump(at);
          const here = snapshot(s);
          expect(here.view.step).toBe(at);
          // The state at the mark is the one whose step did it.
          expect(here.current?.events.some((e) => LANE_EVENTS[lane].includes(e.type))).toBe(true);
        }
        if (lane === 'errors') {
          // Run to next error stops at errors (not at lost notifications, which the lane shows too).
          s.jump(0);
          while (s.runUntil('error') === 'error') expect(marks).toContain(s.step);
        }
        const target = LANE_TARGET[lane];
        if (!target) continue;
        // Run to next <target>, from the start, lands on each mark in turn.
        s.jump(0);
        const landed: number[] = [];
        while (s.runUntil(target) === target) landed.push(s.step);
        expect(marks).toEqual(landed.slice(0, marks.length));
        expect(new Set(landed).size).toBe(landed.length);
      }
      expect(seen).toBeGreaterThan(0);
      const kinds = (Object.keys(LANE_EVENTS) as Lane[]).filter((lane) => drawn(container, lane).length > 0);
      expect(kinds).toEqual(expect.arrayContaining(EXPECTED_LANES[name]!));
    },
  );

  it('single-read: each mark where Run to next lands (the kick where the count goes up); a click on one goes there', () => {
    const s = finished('single-read');
    const st = snapshot(s);
    const landing = (target: RunTarget) => {
      s.jump(0);
      s.runUntil(target);
      return s.step;
    };
    const kick = landing('kick');
    const interrupt = landing('interrupt');
    const completion = landing('completion');
    const onJump = vi.fn();
    const { container } = render(
      <I18nextProvider i18n={ringsI18n('en')}>
        <Timeline timeline={st.timeline} step={st.view.step} onJump={onJump} complete />
      </I18nextProvider>,
    );
    expect(drawn(container, 'kicks')).toEqual([kick]);
    expect(drawn(container, 'interrupts')).toEqual([interrupt]);
    expect(drawn(container, 'completions')).toEqual([completion]);
    // The step before the kick is the barrier that decides it: no kick counted there yet.
    s.jump(kick - 1);
    expect(snapshot(s).view.counters.kicks).toBe(0);
    s.jump(kick);
    expect(snapshot(s).view.counters.kicks).toBe(1);
    const svg = container.querySelector('[data-testid="timeline-axis"]')!;
    for (const lane of ['kicks', 'interrupts', 'completions'] as const) {
      const mark = container.querySelector(`.vr-tl-${lane} path`)!;
      const [, px, py] = /translate\(([\d.]+),([\d.]+)\)/.exec(mark.getAttribute('transform')!)!;
      // jsdom has no layout: the svg's box is empty, so client coordinates are the svg's own (800 px wide).
      fireEvent.click(svg, { clientX: Number(px) + 3, clientY: Number(py) });
      expect(onJump).toHaveBeenLastCalledWith(Number(mark.getAttribute('data-at')));
    }
  });
});
