import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

import { wholeRingOf } from '../src/import/snapshot/wholeRing.testutil';

/**
 * snap02's status JSON and one pmemsave of its whole ring (`pmemsave 0x2986000 6726 …`) saved as whole.bin: a name
 * with no address, so the importer cannot cut it until the user says where it starts.
 */
function wholeRingFiles(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'whole-ring-'));
  const { status, bytes } = wholeRingOf('snap02');
  const statusPath = join(dir, status.name);
  const wholePath = join(dir, 'whole.bin');
  writeFileSync(statusPath, status.bytes);
  writeFileSync(wholePath, bytes);
  return [statusPath, wholePath];
}

async function open(page: Page): Promise<void> {
  await page.goto('/?scenario=indirect&seed=1');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

const addressField = (page: Page) =>
  page.getByRole('textbox', { name: 'Guest address of the first byte of whole.bin (hex)' });
const importWithIt = (page: Page) => page.getByRole('button', { name: 'Import with this address' });

test('a whole-ring dump without an address in its name: the address typed in the page imports it', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page);
  await page.getByLabel('Import real VM data').setInputFiles(wholeRingFiles());

  const error = page.getByTestId('import-error');
  await expect(error).toContainText('whole.bin is 6726 bytes, which fits no area of a ring of 256');
  await expect(addressField(page)).toBeVisible();
  // The simulation is still on screen: nothing was imported.
  await expect(page.getByTestId('snapshot-view')).toHaveCount(0);
  const axe = await new AxeBuilder({ page }).include('[data-testid="import-base"]').analyze();
  expect(axe.violations).toEqual([]);

  // Not hex: said beside the field, which is marked invalid; the refusal above and the page stay as they were.
  await addressField(page).fill('ring');
  await importWithIt(page).click();
  await expect(page.getByTestId('import-base-error')).toContainText('“ring” is not a hex address');
  await expect(addressField(page)).toHaveAttribute('aria-invalid', 'true');
  await expect(error).toContainText('whole.bin is 6726 bytes');
  await expect(page.getByTestId('snapshot-view')).toHaveCount(0);

  // Out of range.
  await addressField(page).fill('0x10000000000000');
  await addressField(page).press('Enter');
  await expect(page.getByTestId('import-base-error')).toContainText('is out of range');
  await expect(page.getByTestId('snapshot-view')).toHaveCount(0);

  // The address pmemsave was given: the ring is cut by the status's vring addresses and shown.
  await addressField(page).fill('0x2986000');
  await importWithIt(page).click();
  const view = page.getByTestId('snapshot-view');
  await expect(view).toBeVisible();
  await expect(page.getByRole('heading', { name: /Real VM: ring snapshot/ })).toBeFocused();
  await expect(view.getByLabel('avail.idx', { exact: true }).first()).toHaveText('968');
  await expect(view.getByLabel('used.idx', { exact: true }).first()).toHaveText('808');
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(page.getByTestId('import-base')).toHaveCount(0);
  // Where each area came from: the one file, at the addresses the status gives.
  await view.getByText('Captured areas', { exact: true }).click();
  await expect(view.locator('.snap-areas li')).toHaveText([
    'desc at 0x02986000, 4096 bytes from whole.bin',
    'avail at 0x02987000, 518 bytes from whole.bin',
    'used at 0x02987240, 2054 bytes from whole.bin',
  ]);
  // And what decided vhost, beside QEMU's fields.
  await expect(view.getByTestId('vhost-decision')).toHaveText('vhost: no (inferred: shadow-avail-idx reported)');
});

test('on a phone-sized window the address field fits and works', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  await page.getByLabel('Import real VM data').setInputFiles(wholeRingFiles());
  const field = addressField(page);
  await expect(field).toBeVisible();
  const box = await page.getByTestId('import-base').boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await field.fill('2986000');
  await field.press('Enter');
  await expect(page.getByTestId('snapshot-view')).toBeVisible();
});
