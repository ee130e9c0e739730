import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

import { QEMU_SAMPLES } from '../src/testing/samples';
import { dropFiles } from './dropFiles';

const PARTS = ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'];
const sample = (snap: 'snap00' | 'snap02') => PARTS.map((n) => `${QEMU_SAMPLES}/${snap}_live_${n}`);

/**
 * snap02 a little later, written to a temporary folder: the device completed the ten oldest requests (used.idx
 * 808 → 818), the driver offered head 50 again and free head 3, and changed descriptor 86's length (its request,
 * at avail position 828, still outstanding).
 */
function laterSnap02(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'snap-later-'));
  const read = (n: string) => Buffer.from(readFileSync(`${QEMU_SAMPLES}/snap02_live_${n}`));
  const used = read('used.bin');
  used.writeUInt16LE(818, 2);
  const avail = read('avail.bin');
  avail.writeUInt16LE(50, 4 + 2 * (968 % 256));
  avail.writeUInt16LE(3, 4 + 2 * (969 % 256));
  avail.writeUInt16LE(970, 2);
  const desc = read('desc.bin');
  desc.writeUInt32LE(64, 16 * 86 + 8);
  const out = { 'qmp.json': read('qmp.json'), 'desc.bin': desc, 'avail.bin': avail, 'used.bin': used };
  return PARTS.map((n) => {
    const to = join(dir, `later_${n}`);
    writeFileSync(to, out[n as keyof typeof out]);
    return to;
  });
}

async function open(page: Page): Promise<void> {
  await page.goto('/?scenario=indirect&seed=1');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}
const title = (page: Page) => page.locator('#imp-view-title');
const importA = (page: Page, files: string[]) => page.getByLabel('Import real VM data').setInputFiles(files);
const inputB = (page: Page) => page.getByLabel('Compare with another snapshot: choose its status file and .bin dumps');
const pair = (page: Page) => page.getByTestId('snapshot-pair');
const fieldRow = (page: Page, field: string) =>
  pair(page)
    .getByTestId('snapshot-compare')
    .getByRole('row', { name: new RegExp(`^${field.replace('.', '\\.')} `) });

test('two real snapshots side by side: what moved, chains by head, swap and clear', async ({ page }) => {
  test.setTimeout(180_000); // axe over two 256-entry rings takes a while on 2 cores
  await open(page);
  await importA(page, sample('snap00'));
  await expect(title(page)).toContainText('snap00_live_qmp.json');
  await inputB(page).setInputFiles(sample('snap02'));
  await expect(pair(page)).toBeVisible();
  await expect(pair(page).getByTestId('pair-side-a')).toContainText('snap00_live_qmp.json');
  await expect(pair(page).getByTestId('pair-side-b')).toContainText('snap02_live_qmp.json');

  // The rows that differ stand out, with how far each index moved.
  await expect(fieldRow(page, 'avail.idx')).toHaveClass('snap-differs');
  await expect(fieldRow(page, 'avail.idx')).toHaveText(/456\s*968\s*\+512\s*differs/);
  await expect(fieldRow(page, 'used.idx')).toHaveText(/456\s*808\s*\+352\s*differs/);
  await expect(fieldRow(page, 'inuse')).toHaveText(/0\s*161\s*\+161\s*differs/);
  await expect(fieldRow(page, 'vring.desc')).toHaveText(/0x2986000\s*0x2986000\s*same/);
  await expect(fieldRow(page, 'vring.desc')).not.toHaveClass('snap-differs');

  // Idle, then busy: the 160 chains in flight are all new.
  const chains = pair(page).getByTestId('chain-diff');
  await expect(chains.getByTestId('chain-count-right')).toHaveText('Only in B (160)');
  await expect(chains.getByTestId('chain-count-both')).toHaveText('In both (0)');
  await expect(chains.locator('tr[data-match="right"]').first()).toContainText('808 · slot 40');

  const axe = await new AxeBuilder({ page }).include('[data-testid="snapshot-pair"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // Swap: snap02 becomes the imported view's snapshot, and everything turns round.
  await pair(page).getByRole('button', { name: 'Swap A and B' }).click();
  await expect(title(page)).toContainText('snap02_live_qmp.json');
  await expect(fieldRow(page, 'avail.idx')).toHaveText(/968\s*456\s*-512\s*differs/);
  await expect(chains.getByTestId('chain-count-left')).toHaveText('Only in A (160)');
  await expect(page.getByRole('heading', { name: 'Outstanding requests (160)' })).toBeVisible();

  // Clear B: back to snap02 alone, ready for another B.
  await pair(page).getByRole('button', { name: 'Clear B (snap00_live_qmp.json)' }).click();
  await expect(pair(page)).toHaveCount(0);
  await expect(inputB(page)).toBeAttached();
  await expect(title(page)).toContainText('snap02_live_qmp.json');
});

test('a later snapshot dropped as B: completed, still there, reused, new, and a descriptor changed in flight', async ({
  page,
}) => {
  await open(page);
  await importA(page, sample('snap02'));
  await dropFiles(page, '[data-testid="snapshot-pair-drop"]', laterSnap02());
  await expect(pair(page)).toBeVisible();
  // The drop was B's alone: the page-wide import did not replace A.
  await expect(title(page)).toContainText('snap02_live_qmp.json');
  await expect(page.getByTestId('import-error')).toHaveCount(0);

  await expect(fieldRow(page, 'used.idx')).toHaveText(/808\s*818\s*\+10\s*differs/);
  await expect(fieldRow(page, 'avail.idx')).toHaveText(/968\s*970\s*\+2\s*differs/);
  const chains = pair(page).getByTestId('chain-diff');
  await expect(chains.getByTestId('chain-count-both')).toHaveText('In both (150)');
  await expect(chains.getByTestId('chain-count-reused')).toHaveText('Head reused (1)');
  await expect(chains.getByTestId('chain-count-left')).toHaveText('Only in A (9)');
  await expect(chains.getByTestId('chain-count-right')).toHaveText('Only in B (1)');

  await chains.getByTestId('chain-count-changed').click();
  const changed = chains.locator('tbody tr');
  await expect(changed).toHaveCount(1);
  await expect(changed).toContainText('desc[86].len 48 → 64');
  await expect(changed).toHaveClass(/snap-differs/);

  await chains.getByTestId('chain-count-reused').click();
  await expect(chains.locator('tbody tr')).toHaveCount(1);
  await expect(chains.locator('tbody tr')).toContainText(/50\s*head reused\s*808 · slot 40.*968 · slot 200/);

  // Clear A: the later snapshot is shown alone.
  await pair(page)
    .getByRole('button', { name: /^Clear A/ })
    .click();
  await expect(title(page)).toContainText('later_qmp.json');
  await expect(page.getByRole('heading', { name: 'Outstanding requests (152)' })).toBeVisible();
});

test('a bad second snapshot is named with its file and byte, and changes nothing', async ({ page }) => {
  await open(page);
  await importA(page, sample('snap00'));
  await inputB(page).setInputFiles(sample('snap02'));
  await expect(pair(page)).toBeVisible();

  const dir = mkdtempSync(join(tmpdir(), 'snap-bad-b-'));
  const bad = sample('snap02').map((f) => {
    const to = join(dir, f.replace(/^.*\//, ''));
    const bytes = readFileSync(f);
    writeFileSync(to, to.endsWith('used.bin') ? bytes.subarray(0, 2000) : bytes);
    return to;
  });
  await pair(page).getByLabel("Replace B: choose another snapshot's files").setInputFiles(bad);
  const error = pair(page).getByTestId('pair-error');
  await expect(error).toBeVisible();
  await expect(error.getByTestId('import-problem-place')).toHaveText('snap02_live_used.bin, byte 2000');
  await expect(error).toContainText('truncated');
  await expect(error).toContainText('Nothing changed: A and B stay as they were.');
  await expect(pair(page).getByTestId('pair-side-b')).toContainText('snap02_live_qmp.json');
  await expect(fieldRow(page, 'avail.idx')).toHaveText(/456\s*968\s*\+512/);
  await expect(page.getByTestId('import-error')).toHaveCount(0);

  // A trace log is not a snapshot: refused by name.
  await pair(page)
    .getByLabel("Replace B: choose another snapshot's files")
    .setInputFiles(`${QEMU_SAMPLES}/trace-default.log`);
  await expect(error).toContainText('trace-default.log');
  await expect(error).toContainText('cannot be compared with a ring snapshot');
  await expect(pair(page).getByTestId('pair-side-b')).toContainText('snap02_live_qmp.json');
});
