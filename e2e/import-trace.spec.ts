import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { synthTrace } from '../src/import/trace/testing/synth';

import { QEMU_SAMPLES } from '../src/testing/samples';

const SAMPLES = QEMU_SAMPLES;

async function open(page: Page): Promise<void> {
  await page.goto('/?scenario=single-read&seed=1');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

const importInput = (page: Page) => page.getByLabel('Import real VM data');
const stepCount = (page: Page) => page.getByLabel('current step', { exact: true });

test('imports the sample QEMU trace and shows what it says', async ({ page }) => {
  await open(page);
  const step = page.getByRole('button', { name: 'Step', exact: true });
  await step.click();
  await step.click();
  await expect(stepCount(page)).toHaveText('2');

  await importInput(page).setInputFiles(`${SAMPLES}/trace-default.log`);
  await expect(page.getByRole('heading', { name: /Real VM: QEMU trace/ })).toBeVisible();
  await expect(page.getByTestId('trace-total-requests')).toHaveText('457');
  await expect(page.getByTestId('trace-total-kicks')).toHaveText('304');
  await expect(page.getByTestId('trace-total-interrupts')).toHaveText('301');
  await expect(page.getByTestId('trace-total-kicksPerRequest')).toHaveText('0.67');
  await expect(page.getByText(/3832 lines read, 3832 events understood/)).toBeVisible();

  // The last event: the guest powered off, the reset zeroed the VirtQueue.
  await expect(page.getByLabel('last_avail_idx', { exact: true })).toHaveText('0');

  // Scrub to line 3829 (the last event before the final resets): Linux's 456 requests are all in the used ring.
  const slider = page.getByRole('slider', { name: 'Timeline', exact: true });
  await slider.fill('3827');
  await expect(page.getByTestId('scrub-event')).toContainText('line 3828');
  await expect(page.getByLabel('last_avail_idx', { exact: true })).toHaveText('456');
  await expect(page.getByLabel('used_idx', { exact: true })).toHaveText('456');
  await expect(page.getByLabel('inuse', { exact: true })).toHaveText('0');

  // SeaBIOS's single request, before Linux reset the device.
  await slider.fill('20');
  await expect(page.getByTestId('scrub-event')).toContainText('line 21');
  await expect(page.getByLabel('last_avail_idx', { exact: true })).toHaveText('1');
  await expect(page.getByLabel('in flight', { exact: true })).toHaveText('0');
  await page.keyboard.press('ArrowRight'); // moves the trace, not the hidden simulation
  await expect(page.getByTestId('scrub-event')).toContainText('line 22');

  // What a trace cannot know is said, not invented.
  await expect(page.getByText('descriptor contents')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Not in a trace' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Latency, pop → completion/ })).toBeVisible();
  await expect(page.getByRole('table').filter({ hasText: 'pop line' })).toBeVisible();

  const axe = await new AxeBuilder({ page }).include('.imp-view').analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  // Back to the simulation: exactly where it was.
  await page.getByRole('button', { name: 'Back to the simulation' }).click();
  await expect(stepCount(page)).toHaveText('2');
  await page.getByRole('button', { name: 'Show the import' }).click();
  await expect(page.getByTestId('trace-total-requests')).toHaveText('457');
});

test('a malformed file: a clear message with file and line, the simulation untouched', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(stepCount(page)).toHaveText('1');

  await importInput(page).setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('these are not trace lines\n'),
  });
  const error = page.getByTestId('import-error');
  await expect(error).toContainText('notes.txt:1');
  await expect(error).toContainText('unknown format');
  await expect(stepCount(page)).toHaveText('1');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await error.getByRole('button', { name: 'Dismiss' }).click();
  await expect(error).toBeHidden();
});

test('a trace that contradicts itself: what came before, marked partial, with the line', async ({ page }) => {
  await open(page);
  const lines = readFileSync(`${SAMPLES}/trace-default.log`, 'utf8').split('\n').slice(0, 30);
  lines.push('17998@1795614896.999999:virtqueue_fill vq 0x561c1b8dca70 elem 0x561c1bb99990 len 1 idx 0');
  await importInput(page).setInputFiles({
    name: 'cut.log',
    mimeType: 'text/plain',
    buffer: Buffer.from(lines.join('\n') + '\n'),
  });
  const partial = page.getByTestId('import-partial');
  await expect(partial).toContainText('cut.log:31');
  await expect(partial).toContainText('fill without a pop');
  await expect(page.getByTestId('trace-total-requests')).toHaveText('1');
});

test('a trace that starts mid-run (cut with tail) imports and says what it cannot know', async ({ page }) => {
  await open(page);
  const lines = readFileSync(`${SAMPLES}/trace-default.log`, 'utf8').trimEnd().split('\n').slice(1499);
  await importInput(page).setInputFiles({
    name: 'mid.log',
    mimeType: 'text/plain',
    buffer: Buffer.from(lines.join('\n') + '\n'),
  });
  await expect(page.getByRole('heading', { name: /Real VM: QEMU trace/ })).toBeVisible();
  await expect(page.getByTestId('import-mid-run')).toContainText('Starts mid-run');
  await expect(page.getByTestId('import-mid-run')).toContainText('1 request(s) began before the trace');
  await expect(page.getByTestId('import-partial')).toHaveCount(0);
});

test('imports a ring snapshot (QMP JSON and the three pmemsave dumps)', async ({ page }) => {
  await open(page);
  await importInput(page).setInputFiles(
    ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map((n) => `${SAMPLES}/snap00_live_${n}`),
  );
  await expect(page.getByRole('heading', { name: /Real VM: ring snapshot/ })).toBeVisible();
  await expect(page.getByLabel('avail.idx', { exact: true }).first()).toHaveText('456');
  await expect(page.getByLabel('last_avail_idx', { exact: true }).first()).toHaveText('456');
  await page.getByRole('button', { name: 'Back to the simulation' }).click();
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
});

test('a million-line trace parses in a worker: progress shows and the page keeps responding', async ({ page }) => {
  test.setTimeout(180_000);
  const path = join(mkdtempSync(join(tmpdir(), 'vv-trace-')), 'million.log');
  const out = createWriteStream(path);
  const gen = synthTrace(1_000_000, 32);
  for (let s = gen.next(); !s.done; s = gen.next()) {
    if (!out.write(s.value)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));

  await open(page);
  await importInput(page).setInputFiles(path);
  const progress = page.getByRole('progressbar', { name: 'Reading million.log' });
  await expect(progress).toBeVisible();
  // The page is not frozen: the simulation still steps while the worker parses.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(stepCount(page)).toHaveText('1');
  await expect(progress).toBeVisible();
  await expect(page.getByText(/1000000 lines read, 1000000 events understood/)).toBeVisible({ timeout: 120_000 });
  await expect(page.getByLabel('last_avail_idx', { exact: true })).not.toHaveText('');
  await page.getByRole('slider', { name: 'Timeline', exact: true }).fill('500000');
  await expect(page.getByTestId('scrub-position')).toContainText('event 500000 of 999999');
});

test('dropping a trace on the page imports it', async ({ page }) => {
  await open(page);
  const text = readFileSync(`${SAMPLES}/trace-default.log`, 'utf8');
  const transfer = await page.evaluateHandle((content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], 'dropped.log', { type: 'text/plain' }));
    return dt;
  }, text);
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
  await expect(page.getByText('Drop a QEMU trace log or a ring snapshot to import it')).toBeVisible();
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  await expect(page.getByRole('heading', { name: /Real VM: QEMU trace dropped\.log/ })).toBeVisible();
  await expect(page.getByTestId('trace-total-requests')).toHaveText('457');
});
