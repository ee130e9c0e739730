import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

import { QEMU_SAMPLES } from '../src/testing/samples';
import { dropFiles } from './dropFiles';

const NAMES = ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'];

/** snap02's files in a temporary folder, its descriptor 50 (head at avail position 808) linked to itself. */
function loopedSnap02(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'snap-loop-'));
  return NAMES.map((n) => {
    const from = `${QEMU_SAMPLES}/snap02_live_${n}`;
    const to = join(dir, `snap02_live_${n}`);
    if (n !== 'desc.bin') copyFileSync(from, to);
    else {
      const bytes = readFileSync(from);
      bytes.writeUInt16LE(1, 50 * 16 + 12); // VRING_DESC_F_NEXT
      bytes.writeUInt16LE(50, 50 * 16 + 14);
      writeFileSync(to, bytes);
    }
    return to;
  });
}

test('a ring with a looped chain says so at the top and marks the chain’s row', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/?scenario=indirect&seed=1');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await dropFiles(page, 'body', loopedSnap02());

  const problems = page.getByTestId('ring-problems');
  await expect(problems).toBeVisible();
  await expect(problems.getByRole('heading')).toHaveText('This ring is broken: 1 problem');
  await expect(problems.getByRole('listitem')).toHaveText(
    'avail position 808 (slot 40, head 50): the chain loops: descriptor 50 links back to 50, already in this chain' +
      " QEMU's virtqueue_split_pop() would refuse it: “Looped descriptor”",
  );
  // Near the top: in the first screen without scrolling.
  expect((await problems.boundingBox())!.y).toBeLessThan(720);
  await page.screenshot({ path: '/tmp/snap-problems-top.png' });

  const row = page.getByTestId('outstanding').locator('tr.snap-broken-row');
  await expect(row).toHaveCount(1);
  await expect(row.locator('td').first()).toHaveText('808');
  await expect(row.getByTestId('broken-chain')).toContainText('Broken chain: the chain loops');
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/snap-problems-row.png' });

  // The header's switch is an action beside the view's own way back, not a pressed toggle.
  const sw = page.locator('.imp-switch');
  await expect(sw).toHaveText('Show the simulation');
  await expect(sw).not.toHaveAttribute('aria-pressed', /.*/);

  const axe = await new AxeBuilder({ page }).include('[data-testid="ring-problems"]').analyze();
  expect(axe.violations).toEqual([]);

  await page.goto('/?scenario=indirect&seed=1&lang=zh-CN');
  await expect(page.locator('.controls button.primary')).toBeEnabled();
  await dropFiles(page, 'body', loopedSnap02());
  await expect(page.getByTestId('ring-problems').getByRole('heading')).toHaveText('这个环已损坏：1 个问题');
  await expect(page.getByTestId('ring-problems').getByRole('listitem')).toContainText('“Looped descriptor”');
  await page.screenshot({ path: '/tmp/snap-problems-zh.png' });
});
