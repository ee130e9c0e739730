import { expect, test } from '@playwright/test';

test('the page is cross-origin isolated and two workers share memory', async ({ page }) => {
  await page.goto('/');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('shared-memory-status')).toHaveText('Shared memory between workers: working');
});
