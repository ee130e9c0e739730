import { expect, test, type Page } from '@playwright/test';

// Each side's private state as of the step shown: an operation runs whole before its stores are played one step at
// a time, yet the driver's and the device's fields must not run ahead of the step (single-read, seed 1).

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true }).first();

async function openAt(page: Page, step: number): Promise<void> {
  await page.goto(`/#s=single-read&seed=1&step=${step}`);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await expect(page.getByLabel('current step', { exact: true })).toHaveText(String(step));
}

test.describe('private state as of the step', () => {
  test('the driver has not added the chain while virtblk_setup_cmd and the descriptors are written', async ({
    page,
  }) => {
    await openAt(page, 12);
    await expect(field(page, 'free_head')).toHaveText('0');
    await expect(field(page, 'num_free')).toHaveText('8');
    await expect(field(page, 'avail_idx_shadow')).toHaveText('0');
    await expect(page.getByText('written but not yet published')).toHaveCount(0);
  });

  test('the device moves used_idx and inuse with the flush, and the driver reclaims after reading used', async ({
    page,
  }) => {
    await openAt(page, 28);
    await expect(field(page, 'used_idx')).toHaveText('0');
    await expect(field(page, 'inuse')).toHaveText('1');
    await expect(page.getByText('not yet flushed')).toHaveCount(0);
    // Stepping to virtqueue_split_flush's used.idx store (step 33): QEMU's used_idx and inuse move with it.
    for (let s = 28; s < 33; s++) await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByLabel('current step', { exact: true })).toHaveText('33');
    await expect(field(page, 'used_idx')).toHaveText('1');
    await expect(field(page, 'inuse')).toHaveText('0');

    await openAt(page, 36);
    await expect(field(page, 'num_free')).toHaveText('5');
    await expect(field(page, 'last_used_idx')).toHaveText('0');
  });
});
