// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { TimelineData } from '../../engine/client/types';
import { ringsI18n } from './testing/i18n';
import { Timeline } from './Timeline';

afterEach(cleanup);

const data: TimelineData = {
  length: 3831,
  kicks: [1, 5],
  interrupts: [7],
  completions: [8],
  suppressed: [],
  errors: [],
};

function draw(lng: 'en' | 'zh-CN', unit?: 'step' | 'event') {
  render(
    <I18nextProvider i18n={ringsI18n(lng)}>
      <Timeline timeline={data} step={3831} onJump={() => {}} unit={unit} />
    </I18nextProvider>,
  );
}

describe('Timeline text', () => {
  it('names its slider in the page’s language', () => {
    draw('en');
    expect(screen.getByRole('slider', { name: 'Timeline' }).getAttribute('aria-valuetext')).toBe(
      'step 3831 of 3831 so far',
    );
    cleanup();
    draw('zh-CN');
    expect(screen.getByRole('slider', { name: '时间线' })).toBeTruthy();
  });

  it('a trace counts events, and says which lanes a trace cannot fill', () => {
    draw('en', 'event');
    const slider = screen.getByRole('slider', { name: 'Timeline' });
    expect(slider.getAttribute('aria-valuetext')).toBe('event 3831 of 3831');
    expect(screen.getByRole('heading', { name: /Timeline event 3831 of 3831$/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: '±200 events' })).toBeTruthy();
    expect(screen.getByText('suppressed notifications: not in a trace')).toBeTruthy();
    expect(screen.getByText('failed requests (0)')).toBeTruthy();
    expect(screen.queryByText(/so far|steps|errors and lost/)).toBeNull();
    cleanup();
    draw('zh-CN', 'event');
    expect(screen.getByRole('slider', { name: '时间线' }).getAttribute('aria-valuetext')).toBe(
      '第 3831 个事件，共 3831 个',
    );
    expect(screen.getByText('被抑制的通知：trace 中没有记录')).toBeTruthy();
    expect(screen.getByRole('button', { name: '前后 200 个事件' })).toBeTruthy();
  });
});
