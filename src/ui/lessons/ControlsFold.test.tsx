// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import i18n from '../i18n';
import { Controls } from '../layout/Controls';
import { simStore } from '../store';
import { controlsFoldStore } from './ControlsFold';
import { lessonPlaceStore } from './lessonGate';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(async () => {
  await i18n.changeLanguage('en');
  await i18n.loadNamespaces('lessons');
});

afterEach(async () => {
  cleanup();
  lessonPlaceStore.setState({ place: null });
  controlsFoldStore.setState({ open: false });
  simStore.getState().setPresenter(false);
  await i18n.changeLanguage('en');
});

const openLesson = () => act(() => lessonPlaceStore.setState({ place: { id: 'notify', stop: 3, ask: false } }));

describe('the controls while a lesson is open', () => {
  it('show the Run to row as usual without a lesson', () => {
    render(<Controls />);
    expect(screen.getByRole('button', { name: 'Run to next kick' })).toBeTruthy();
    expect(screen.queryByTestId('controls-fold')).toBeNull();
  });

  it('fold the Run to row and the breakpoints behind a named disclosure that controls them', () => {
    render(<Controls />);
    openLesson();
    const fold = screen.getByRole('button', { name: 'Run to… and breakpoints' });
    expect(fold.getAttribute('aria-expanded')).toBe('false');
    const row = document.getElementById(fold.getAttribute('aria-controls')!)!;
    expect(row.hidden).toBe(true);
    expect(screen.queryByRole('button', { name: 'Run to next kick' })).toBeNull();

    fireEvent.click(fold);
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    expect(row.hidden).toBe(false);
    expect(screen.getByRole('button', { name: 'Run to next kick' })).toBeTruthy();
    expect(row.contains(screen.getByRole('group', { name: 'Run to next:' }))).toBe(true);

    // Closing the lesson puts the row back in its place, unfolded.
    act(() => lessonPlaceStore.setState({ place: null }));
    expect(screen.queryByTestId('controls-fold')).toBeNull();
    expect(screen.getByRole('button', { name: 'Run to next kick' })).toBeTruthy();
  });

  it('name the fold by what it holds: presenter mode shows no breakpoints; and in Chinese', async () => {
    act(() => simStore.getState().setPresenter(true));
    render(<Controls />);
    openLesson();
    expect(screen.getByRole('button', { name: 'Run to…' })).toBeTruthy();
    await act(() => i18n.changeLanguage('zh-CN'));
    expect(screen.getByRole('button', { name: '运行到…' })).toBeTruthy();
  });
});
