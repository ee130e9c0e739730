import { expect, test, type Page } from '@playwright/test';

// The Share menu from the keyboard: the arrows, Home and End move through its items (the page does not scroll),
// Esc closes it with focus back on its button, and Tab leaves it.

const shareButton = (page: Page) => page.getByRole('button', { name: 'Share, export and import' });
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
const scrollY = (page: Page) => page.evaluate(() => window.scrollY);
const ITEMS = ['Copy link', 'Copy embed code', 'Export run', 'Import run', 'Export SVG', 'Export PNG'];

/** Records, for every key pressed from now on, whether something kept its default action (scrolling) from it. */
async function recordKeys(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { keys: [string, boolean][] };
    w.keys = [];
    // Bubble phase on window: after every handler on the way has run.
    window.addEventListener('keydown', (e) => w.keys.push([e.key, e.defaultPrevented]));
  });
}
const keys = (page: Page) => page.evaluate(() => (window as unknown as { keys: [string, boolean][] }).keys);

test.describe('Share menu keys', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/#s=single-read');
    await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
    // The page is taller than the window, so ↓ would scroll it.
    expect(await page.evaluate(() => document.documentElement.scrollHeight > innerHeight)).toBe(true);
    expect(await scrollY(page)).toBe(0);
  });

  test('↓ and ↑ go round the items, Home and End jump to either end, and the page does not scroll', async ({
    page,
  }) => {
    const share = shareButton(page);
    await share.focus();
    await page.keyboard.press('Enter');
    await expect(share).toHaveAttribute('aria-expanded', 'true');
    await recordKeys(page);

    // ↓ from the button enters the list at its first item, then goes down it and back round to the top.
    const seen: (string | null)[] = [];
    for (let i = 0; i <= ITEMS.length; i++) {
      await page.keyboard.press('ArrowDown');
      seen.push(await focusedText(page));
    }
    expect(seen).toEqual([...ITEMS, ITEMS[0]]);
    await page.keyboard.press('ArrowUp');
    expect(await focusedText(page)).toBe('Export PNG');
    await page.keyboard.press('ArrowUp');
    expect(await focusedText(page)).toBe('Export SVG');
    await page.keyboard.press('Home');
    expect(await focusedText(page)).toBe('Copy link');
    await page.keyboard.press('End');
    expect(await focusedText(page)).toBe('Export PNG');

    await page.waitForTimeout(200); // a scroll, smooth or not, would have moved by now
    expect(await scrollY(page)).toBe(0);
    const pressed = await keys(page);
    expect(pressed.length).toBe(ITEMS.length + 1 + 4);
    expect(pressed.filter(([, prevented]) => !prevented)).toEqual([]);
    await expect(share).toHaveAttribute('aria-expanded', 'true');
  });

  test('Esc closes the menu and gives focus back to the Share button; ↑ on the button opens it at its end', async ({
    page,
  }) => {
    const share = shareButton(page);
    await share.focus();
    await page.keyboard.press('ArrowDown');
    await expect(share).toHaveAttribute('aria-expanded', 'true');
    expect(await focusedText(page)).toBe('Copy link');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    await expect(share).toHaveAttribute('aria-expanded', 'false');
    await expect(share).toBeFocused();
    await expect(page.getByRole('button', { name: 'Copy link', exact: true })).toBeHidden();

    await page.keyboard.press('ArrowUp');
    await expect(share).toHaveAttribute('aria-expanded', 'true');
    expect(await focusedText(page)).toBe('Export PNG');
    expect(await scrollY(page)).toBe(0);
  });

  test('Tab leaves the menu, which closes behind it', async ({ page }) => {
    const share = shareButton(page);
    await share.focus();
    await page.keyboard.press('ArrowUp');
    expect(await focusedText(page)).toBe('Export PNG');
    await page.keyboard.press('Tab');
    await expect(share).toHaveAttribute('aria-expanded', 'false');
    const outside = await page.evaluate(() => {
      const a = document.activeElement;
      return a !== null && a !== document.body && !a.closest('.share-menu');
    });
    expect(outside).toBe(true);
    // Shift+Tab from there comes back to the button (the closed list's items are out of the tab order).
    await page.keyboard.press('Shift+Tab');
    await expect(share).toBeFocused();
  });
});
