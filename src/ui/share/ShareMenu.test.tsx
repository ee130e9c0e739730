// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import i18n, { changeLanguage } from '../i18n';
import { actions } from '../store';
import { itemFor, ShareMenu } from './ShareMenu';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(async () => {
  await changeLanguage('en');
  await i18n.loadNamespaces(['share']);
  // The items are enabled once a run is on screen.
  await act(() => actions.selectScenario('single-read'));
});
afterEach(cleanup);

const openMenu = () => {
  const share = screen.getByRole('button', { name: 'Share, export and import' });
  share.focus();
  fireEvent.click(share);
  expect(share.getAttribute('aria-expanded')).toBe('true');
  return share;
};

describe('ShareMenu focus', () => {
  it('Escape inside the menu closes it and gives focus back to the Share button', () => {
    render(<ShareMenu />);
    const share = openMenu();
    screen.getByRole('button', { name: 'Copy link' }).focus();
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(share.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(share);
  });

  it('choosing an item closes the menu with focus on the Share button, not on <body>', () => {
    render(<ShareMenu />);
    const share = openMenu();
    const item = screen.getByRole('button', { name: 'Import run' });
    expect(item).toHaveProperty('disabled', false);
    item.focus();
    fireEvent.click(item);
    expect(share.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(share);
  });

  it('Escape with focus elsewhere closes the menu and leaves focus where it is', () => {
    render(
      <>
        <ShareMenu />
        <button type="button">Elsewhere</button>
      </>,
    );
    const share = openMenu();
    const other = screen.getByRole('button', { name: 'Elsewhere' });
    // Focus leaving the menu closes it already (a state update, hence act).
    act(() => other.focus());
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(share.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(other);
  });
});

describe('ShareMenu keys', () => {
  const items = ['Copy link', 'Copy embed code', 'Export run', 'Import run', 'Export SVG', 'Export PNG'];
  const focused = () => (document.activeElement as HTMLElement | null)?.textContent;

  it('itemFor goes round the items with the arrows and to either end with Home and End', () => {
    expect(itemFor('ArrowDown', -1, 6)).toBe(0);
    expect(itemFor('ArrowDown', 5, 6)).toBe(0);
    expect(itemFor('ArrowUp', 0, 6)).toBe(5);
    expect(itemFor('ArrowUp', -1, 6)).toBe(5);
    expect(itemFor('Home', 3, 6)).toBe(0);
    expect(itemFor('End', 3, 6)).toBe(5);
    expect(itemFor('ArrowLeft', 3, 6)).toBeNull();
    expect(itemFor('ArrowDown', -1, 0)).toBeNull();
  });

  it('↓ on the button opens the menu on its first item, ↑ on its last', () => {
    render(<ShareMenu />);
    const share = screen.getByRole('button', { name: 'Share, export and import' });
    share.focus();
    expect(fireEvent.keyDown(share, { key: 'ArrowDown' })).toBe(false);
    expect(share.getAttribute('aria-expanded')).toBe('true');
    expect(focused()).toBe('Copy link');
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(document.activeElement).toBe(share);
    fireEvent.keyDown(share, { key: 'ArrowUp' });
    expect(share.getAttribute('aria-expanded')).toBe('true');
    expect(focused()).toBe('Export PNG');
  });

  it('↓ and ↑ move through the items and wrap, Home and End jump, and the page keeps those keys', () => {
    render(<ShareMenu />);
    openMenu();
    screen.getByRole('button', { name: 'Copy link' }).focus();
    const seen = [];
    for (let i = 0; i < items.length; i++) {
      // false: the default action (scrolling the page) was prevented.
      expect(fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' })).toBe(false);
      seen.push(focused());
    }
    expect(seen).toEqual([...items.slice(1), items[0]]);
    expect(fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' })).toBe(false);
    expect(focused()).toBe('Export PNG');
    expect(fireEvent.keyDown(document.activeElement!, { key: 'Home' })).toBe(false);
    expect(focused()).toBe('Copy link');
    expect(fireEvent.keyDown(document.activeElement!, { key: 'End' })).toBe(false);
    expect(focused()).toBe('Export PNG');
    // Keys the menu does not use go on to the page.
    expect(fireEvent.keyDown(document.activeElement!, { key: 'a' })).toBe(true);
  });

  it('focus leaving the menu (Tab past its last item) closes it', () => {
    render(
      <>
        <ShareMenu />
        <button type="button">Next control</button>
      </>,
    );
    const share = openMenu();
    const last = screen.getByRole('button', { name: 'Export PNG' });
    last.focus();
    const next = screen.getByRole('button', { name: 'Next control' });
    act(() => next.focus());
    expect(document.activeElement).toBe(next);
    expect(share.getAttribute('aria-expanded')).toBe('false');
  });
});
