import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { strFromU8, unzipSync, zipSync } from 'fflate';

import { QEMU_SAMPLES } from '../src/testing/samples';
import { dropFiles } from './dropFiles';

const SAMPLES = QEMU_SAMPLES;
const SNAP02 = ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map((n) => `${SAMPLES}/snap02_live_${n}`);

async function open(page: Page): Promise<void> {
  await page.goto('/?scenario=indirect&seed=1');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

const importInput = (page: Page) => page.getByLabel('Import real VM data');
const view = (page: Page) => page.getByTestId('snapshot-view');
const value = (page: Page, label: string) => view(page).getByLabel(label, { exact: true }).first();

/** The one download an export starts, once saved; a second one arriving within a second fails the test. */
async function oneDownload(saved: string[]): Promise<string> {
  await expect.poll(() => saved.filter((f) => existsSync(f) && statSync(f).size > 0).length).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(saved).toHaveLength(1);
  return saved[0]!;
}

/** Saves every download the page starts into a new temporary folder; the list grows as they arrive. */
function collectDownloads(page: Page, prefix: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const saved: string[] = [];
  page.on('download', (d) => {
    const to = join(dir, d.suggestedFilename());
    saved.push(to);
    void d.saveAs(to);
  });
  return saved;
}

test('imports the snap02 ring snapshot and shows the real ring', async ({ page }) => {
  test.setTimeout(180_000); // axe over a 256-entry ring and 160 outstanding chains takes a while on 2 cores
  await open(page);
  await importInput(page).setInputFiles(SNAP02);
  await expect(page.getByRole('heading', { name: /Real VM: ring snapshot/ })).toBeVisible();
  await expect(value(page, 'avail.idx')).toHaveText('968');
  await expect(value(page, 'used.idx')).toHaveText('808');
  await expect(value(page, 'inuse')).toHaveText('161');
  await expect(value(page, 'last_avail_idx')).toHaveText('968');
  await expect(value(page, 'used_idx')).toHaveText('807');
  await expect(value(page, 'used_event')).toHaveText('808');
  await expect(value(page, 'avail_event')).toHaveText('968');

  // Indirect tables are outside the captured memory, and it says so.
  await expect(page.getByTestId('indirect-note')).toContainText('160 outstanding requests use INDIRECT');
  await expect(page.getByTestId('indirect-not-captured')).toHaveCount(160);
  await expect(page.getByTestId('indirect-not-captured').first()).toContainText('3 entries — not captured');
  await expect(page.getByTestId('driver-not-captured')).toBeVisible();
  // In the descriptor table, each INDIRECT head's sub-row says the same, with the table's address and size.
  const unread = page.locator('.vr-desc tr[data-via]').first().getByTestId('indirect-unread');
  await expect(unread).toContainText('3 entries (len 48) at 0x');
  await expect(unread).toContainText('not captured');
  await expect(page.getByTestId('indirect-table')).toHaveCount(0);

  // The disagreements of a live snapshot are listed.
  await expect(page.getByRole('heading', { name: 'Disagreements (35)' })).toBeVisible();
  const usedIdxRow = page.getByTestId('disagreements').locator('tr[data-kind="used-idx"]');
  await expect(usedIdxRow).toContainText('807');
  await expect(usedIdxRow).toContainText('808');
  await expect(usedIdxRow).toHaveAttribute(
    'title',
    'used-idx is 807 but used.idx in memory is 808 (the status taken after the dumps says 808)',
  );
  await expect(page.getByRole('heading', { name: 'Outstanding requests (160)' })).toBeVisible();

  await expect(
    page.getByRole('region', { name: 'vq0 descriptor rows · snapshot snap02_live_qmp.json', exact: true }),
  ).toBeVisible();
  const axe = await new AxeBuilder({ page }).include('[data-testid="snapshot-view"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('an indirect table dumped beside the rings is drawn entry by entry under its descriptor', async ({ page }) => {
  await open(page);
  // The lowest head among snap02's outstanding requests (avail positions 808..967; its row is drawn first): an
  // INDIRECT descriptor, its table at the address the descriptor holds.
  const avail = readFileSync(SNAP02[2]!);
  const heads = Array.from({ length: 968 - 808 }, (_, k) => avail.readUInt16LE(4 + 2 * ((808 + k) % 256)));
  const head = Math.min(...heads);
  const addr = readFileSync(SNAP02[1]!).readBigUInt64LE(16 * head);
  const table = Buffer.alloc(48);
  [
    [0x3f1c200n, 16, 1, 1],
    [0x4a00000n, 4096, 3, 2],
    [0x3f1c210n, 1, 2, 0],
  ].forEach(([a, len, flags, next], k) => {
    table.writeBigUInt64LE(a as bigint, 16 * k);
    table.writeUInt32LE(len as number, 16 * k + 8);
    table.writeUInt16LE(flags as number, 16 * k + 12);
    table.writeUInt16LE(next as number, 16 * k + 14);
  });
  const dir = mkdtempSync(join(tmpdir(), 'snap-ind-'));
  const dump = join(dir, `snap02_ind_0x${addr.toString(16)}.bin`);
  writeFileSync(dump, table);
  await importInput(page).setInputFiles([...SNAP02, dump]);
  const sub = page.locator(`tr[data-via="${head}"]`);
  await expect(sub).toContainText(
    `indirect table of desc ${head} at 0x${addr.toString(16).padStart(8, '0')}: 3 entries`,
  );
  const rows = sub.getByTestId('indirect-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('0x04a00000');
  await expect(rows.nth(1)).toContainText('4096');
  await expect(page.getByTestId('indirect-captured')).toHaveCount(1);
  await expect(page.getByTestId('indirect-not-captured')).toHaveCount(159);
});

test('exports the simulation as one archive, compares it, and imports it back', async ({ page }) => {
  await open(page);
  const step = page.getByRole('button', { name: 'Step', exact: true });
  for (let i = 0; i < 6; i++) await step.click();
  await importInput(page).setInputFiles(SNAP02);
  await expect(value(page, 'avail.idx')).toHaveText('968');

  const toCompare = page.getByRole('button', { name: 'Compare with the simulation' });
  // An action (as the header's switch): never pressed, its label says what a press does next.
  await expect(toCompare).not.toHaveAttribute('aria-pressed', /.*/);
  await toCompare.click();
  const compare = page.getByTestId('snapshot-compare');
  await expect(compare).toBeVisible();
  const hide = page.getByRole('button', { name: 'Hide the comparison' });
  await expect(hide).not.toHaveAttribute('aria-pressed', /.*/);
  await expect(hide).toHaveAttribute('data-showing', 'comparison');
  await expect(compare.getByRole('row', { name: /vring\.num/ })).toContainText('2568');

  const saved = collectDownloads(page, 'snap-export-');
  await page.getByTestId('export-ring-snapshot').click();
  await expect(page.getByText(/^Saved sim_vq0_step\d+\.zip \(4 files\)\.$/)).toBeVisible();
  const zip = await oneDownload(saved);
  expect(zip.replace(/^.*\//, '')).toMatch(/^sim_vq0_step\d+\.zip$/);
  const inside = unzipSync(new Uint8Array(readFileSync(zip)));
  const prefix = zip.replace(/^.*\//, '').replace(/\.zip$/, '');
  expect(Object.keys(inside).sort()).toEqual(
    ['avail.bin', 'desc.bin', 'qmp.json', 'used.bin'].map((n) => `${prefix}_${n}`),
  );
  const status = JSON.parse(strFromU8(inside[`${prefix}_qmp.json`]!)) as { return: Record<string, unknown> };
  expect(status.return['vring-num']).toBe(8);

  await importInput(page).setInputFiles(zip);
  await expect(page.locator('#imp-view-title')).toContainText(`${prefix}_qmp.json`);
  await expect(value(page, 'avail.idx')).toHaveText(String(status.return['shadow-avail-idx']));
  await expect(value(page, 'last_avail_idx')).toHaveText(String(status.return['last-avail-idx']));
});

test('exports the in-flight indirect tables with the rings in the archive, and the import shows their entries', async ({
  page,
}) => {
  // The indirect scenario stopped with all 8 requests in flight, each an INDIRECT head with a 3-entry table.
  await page.goto('/?s=indirect&seed=1&step=200');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await importInput(page).setInputFiles(SNAP02);
  await expect(value(page, 'avail.idx')).toHaveText('968');

  const saved = collectDownloads(page, 'snap-export-ind-');
  await page.getByTestId('export-ring-snapshot').click();
  await expect(page.getByText('Saved sim_vq0_step200.zip (12 files).')).toBeVisible();
  const zip = await oneDownload(saved);
  expect(zip.replace(/^.*\//, '')).toBe('sim_vq0_step200.zip');
  const inside = unzipSync(new Uint8Array(readFileSync(zip)));
  expect(Object.keys(inside)).toHaveLength(12);
  const tables = Object.keys(inside).filter((n) => /^sim_vq0_step200_ind_0x[0-9a-f]+\.bin$/.test(n));
  expect(tables).toHaveLength(8);
  expect(tables.map((n) => inside[n]!.length)).toEqual(Array(8).fill(48));

  await importInput(page).setInputFiles(zip);
  await expect(value(page, 'avail.idx')).toHaveText('8');
  await expect(page.getByTestId('indirect-not-captured')).toHaveCount(0);
  await expect(page.getByTestId('indirect-captured')).toHaveCount(8);
  await expect(page.getByTestId('indirect-table')).toHaveCount(8);
  // One table checked against its file: the head that points at it, and its entries' addresses and lengths.
  const name = tables[0]!;
  const addr = BigInt(/_ind_(0x[0-9a-f]+)\.bin$/.exec(name)![1]!);
  const desc = Buffer.from(inside['sim_vq0_step200_desc.bin']!);
  const head = Array.from({ length: 8 }, (_, i) => i).find((i) => desc.readBigUInt64LE(16 * i) === addr)!;
  const sub = page.locator(`tr[data-via="${head}"]`);
  await expect(sub).toContainText(
    `indirect table of desc ${head} at 0x${addr.toString(16).padStart(8, '0')}: 3 entries`,
  );
  const rows = sub.getByTestId('indirect-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  const bytes = Buffer.from(inside[name]!);
  for (let k = 0; k < 3; k++) {
    await expect(rows.nth(k)).toContainText(
      `0x${bytes
        .readBigUInt64LE(16 * k)
        .toString(16)
        .padStart(8, '0')}`,
    );
    await expect(rows.nth(k)).toContainText(String(bytes.readUInt32LE(16 * k + 8)));
  }
});

test('an archive dropped on the page imports, dropped on the comparison box loads B, and a bad one is located', async ({
  page,
}) => {
  await page.goto('/?s=indirect&seed=1&step=200');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await importInput(page).setInputFiles(SNAP02);
  await expect(value(page, 'avail.idx')).toHaveText('968');
  const saved = collectDownloads(page, 'snap-export-drop-');
  await page.getByTestId('export-ring-snapshot').click();
  const zip = await oneDownload(saved);

  // B: the archive dropped on the comparison box, beside snap02 (A).
  await dropFiles(page, '[data-testid="snapshot-pair-drop"]', [zip]);
  await expect(page.getByTestId('pair-side-b')).toContainText('sim_vq0_step200_qmp.json');
  await expect(page.getByTestId('pair-side-a')).toContainText('snap02_live_qmp.json');

  // A: the archive dropped on the page.
  await dropFiles(page, 'body', [zip]);
  await expect(page.locator('#imp-view-title')).toContainText('sim_vq0_step200_qmp.json');
  await expect(value(page, 'avail.idx')).toHaveText('8');
  await expect(page.getByTestId('indirect-captured')).toHaveCount(8);

  // An archive whose status file is wrong: the file inside it, its line, and the archive are named.
  const inside = unzipSync(new Uint8Array(readFileSync(zip)));
  const qmp = 'sim_vq0_step200_qmp.json';
  inside[qmp] = new TextEncoder().encode(strFromU8(inside[qmp]!).replace('"vring-num": 8', '"vring-num": 12'));
  const bad = join(mkdtempSync(join(tmpdir(), 'snap-bad-zip-')), 'broken.zip');
  writeFileSync(bad, zipSync(inside));
  await importInput(page).setInputFiles(bad);
  const error = page.getByTestId('import-error');
  await expect(error).toBeVisible();
  await expect(error.getByTestId('import-problem-place')).toHaveText(
    new RegExp(`^${qmp.replace(/\./g, '\\.')}:\\d+ inside archive broken\\.zip$`),
  );
  await expect(error).toContainText('vring-num 12 is not a split-ring size');
  await expect(value(page, 'avail.idx')).toHaveText('8'); // what was on screen stays

  // Not a zip at all, as B: named, and B stays.
  const notZip = join(mkdtempSync(join(tmpdir(), 'snap-not-zip-')), 'notes.zip');
  writeFileSync(notZip, 'hello\n');
  await dropFiles(page, '[data-testid="snapshot-pair"]', [notZip]);
  await expect(page.getByTestId('pair-error')).toContainText('notes.zip, byte 0');
  await expect(page.getByTestId('pair-error')).toContainText('not a zip archive');
  await expect(page.getByTestId('pair-side-b')).toContainText('sim_vq0_step200_qmp.json');
});

for (const [width, height, lang] of [
  [1280, 720, 'en'],
  [1280, 720, 'zh-CN'],
  [390, 844, 'en'],
] as const) {
  test(`the disagreements table fits its panel, every header whole, at ${width}x${height} (${lang})`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    await page.goto(`/#s=indirect&seed=1&lang=${lang}`);
    await expect(page.locator('.controls button.primary')).toBeEnabled();
    await page.locator('.header-controls input[type=file][multiple]').setInputFiles(SNAP02);
    const table = page.getByTestId('disagreements');
    await expect(table.locator('tbody tr')).toHaveCount(35);
    // The table sits in a focusable region named by its title (as the app's other wide tables).
    const region = page.locator('.snap-disagree .snap-scroll');
    await expect(region).toHaveAttribute('role', 'region');
    await expect(region).toHaveAttribute('tabindex', '0');
    await expect(region).toHaveAccessibleName(lang === 'en' ? 'Disagreements (35)' : /35/);
    // At 1280 px the one-line descriptions made the table 1381 px wide in a 1224 px panel, the last header cut at
    // "Bytes /"; now nothing scrolls sideways and each header ends inside the region.
    const fit = await region.evaluate((r) => {
      const right = r.getBoundingClientRect().right;
      return {
        overflow: r.scrollWidth - r.clientWidth,
        past: Math.max(...[...r.querySelectorAll('th')].map((th) => th.getBoundingClientRect().right - right)),
      };
    });
    expect(fit.overflow).toBeLessThanOrEqual(1);
    expect(fit.past).toBeLessThanOrEqual(1);
  });
}

test('a binary area of the wrong size gives a clear error naming the file and byte', async ({ page }) => {
  await open(page);
  const dir = mkdtempSync(join(tmpdir(), 'snap-bad-'));
  const files = SNAP02.map((f) => {
    const to = join(dir, f.replace(/^.*\//, ''));
    copyFileSync(f, to);
    return to;
  });
  writeFileSync(files[3]!, readFileSync(SNAP02[3]!).subarray(0, 2000));
  await importInput(page).setInputFiles(files);
  const error = page.getByTestId('import-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('snap02_live_used.bin, byte 2000');
  await expect(error).toContainText('truncated');
  await expect(page.getByTestId('snapshot-view')).toHaveCount(0);
});
