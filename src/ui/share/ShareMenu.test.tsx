// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import i18n, { changeLanguage } from '../i18n';
import { actions } from '../store';
import { ShareMenu } from './ShareMenu';

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
    other.focus();
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(share.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(other);
  });
});
