import { expect, test, type Page } from '@playwright/test';
import { QEMU_SAMPLES } from '../src/testing/samples';
import { dropFiles } from './dropFiles';

// After an import, focus starts on the imported view (not on <body>) and a screen reader is told what arrived.

async function open(page: Page): Promise<void> {
  await page.goto('/#s=single-read');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    return a === null || a === document.body ? 'body' : `${a.tagName.toLowerCase()}#${a.id}`;
  });
const announcer = (page: Page) => page.getByTestId('import-announcer');
const heading = (page: Page) => page.getByRole('heading', { level: 2, name: /Real VM: QEMU trace/ });

test('a dropped trace: focus on the view’s heading, the import announced', async ({ page }) => {
  await open(page);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  expect(await focused(page)).toBe('body');
  await dropFiles(page, 'main', [`${QEMU_SAMPLES}/trace-default.log`]);
  await expect(heading(page)).toBeVisible();
  await expect(heading(page)).toBeFocused();
  await expect(announcer(page)).toHaveText(
    'Imported the QEMU trace trace-default.log: 3832 events. The view shows the queue after the last one.',
  );
  await expect(announcer(page)).toHaveAttribute('aria-live', 'polite');
  // From the heading, Tab reaches the view's own controls first.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Back to the simulation' })).toBeFocused();
});

test('a trace picked with Import…: focus moves from the picker to the view; coming back to it later does not', async ({
  page,
}) => {
  await open(page);
  const picker = page.getByLabel('Import real VM data');
  await picker.focus();
  await picker.setInputFiles(`${QEMU_SAMPLES}/trace-default.log`);
  await expect(heading(page)).toBeFocused();
  await expect(announcer(page)).toContainText('Imported the QEMU trace trace-default.log');

  // Switching back and forth with the header's button keeps focus on that button.
  const toggle = page.locator('.imp-switch');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeVisible();
  await expect(toggle).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(heading(page)).toBeVisible();
  await expect(toggle).toBeFocused();
});

test('a ring snapshot: focus on its heading, the import announced', async ({ page }) => {
  await open(page);
  await page
    .getByLabel('Import real VM data')
    .setInputFiles(['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map((n) => `${QEMU_SAMPLES}/snap00_live_${n}`));
  await expect(page.getByRole('heading', { level: 2, name: /Real VM: ring snapshot/ })).toBeFocused();
  await expect(announcer(page)).toHaveText('Imported the ring snapshot snap00_live_qmp.json.');
});
