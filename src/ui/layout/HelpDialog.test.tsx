// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { changeLanguage } from '../i18n';
import { HelpDialog } from './HelpDialog';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(async () => {
  // jsdom has <dialog> but not its modal methods; these do what the page relies on (the open attribute).
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
  await changeLanguage('en');
});
afterEach(async () => {
  cleanup();
  await changeLanguage('en');
});

const rowText = () =>
  within(screen.getByRole('dialog', { hidden: true }))
    .getAllByRole('row', { hidden: true })
    .map((r) => r.textContent);

describe('HelpDialog', () => {
  it('lists the lesson keys and what Escape closes', () => {
    render(<HelpDialog open onClose={() => {}} />);
    expect(rowText()).toEqual([
      '→Step forward (by the chosen unit)',
      '←Step back',
      'SpacePlay or pause',
      'Page DownNext stop of the open lesson',
      'Page UpPrevious stop of the open lesson',
      '?This help',
      'EscClose the Share menu or a dialog',
      '↓↑HomeEndIn the open Share menu: the next or previous item, the first or last',
    ]);
  });

  it('says where the keys do not step: a focused button takes Space, a sideways-scrolling region the arrows', () => {
    render(<HelpDialog open onClose={() => {}} />);
    const dialog = screen.getByRole('dialog', { hidden: true });
    expect(dialog.textContent).toContain('Space on a focused button presses that button');
    expect(dialog.textContent).toContain('in a focused region that scrolls sideways scroll it');
    expect(dialog.textContent).not.toContain('a list or a slider, which');
  });

  it('opens with focus on its heading, so its top is in view, not on Close at the bottom', () => {
    render(<HelpDialog open onClose={() => {}} />);
    const heading = screen.getByRole('heading', { name: 'Help', level: 2, hidden: true });
    expect(heading.getAttribute('tabindex')).toBe('-1');
    expect(document.activeElement).toBe(heading);
    expect(screen.getByRole('button', { name: 'Close', hidden: true }).hasAttribute('autofocus')).toBe(false);
  });

  it('reads in Chinese', async () => {
    await changeLanguage('zh-CN');
    render(<HelpDialog open onClose={() => {}} />);
    expect(rowText()).toContain('Page Down打开的课程的下一站');
    expect(screen.getByRole('dialog', { hidden: true }).textContent).toContain('空格键按下该按钮');
  });
});
