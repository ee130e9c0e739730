import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { QEMU_SAMPLES } from '../src/testing/samples';

// Keyboard and screen-reader use: what a step says, where focus goes when a control goes away, which keys a
// focused region keeps.

const stepCount = (page: Page) => page.getByLabel('current step', { exact: true });
const announcer = (page: Page) => page.getByTestId('step-announcer');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

let loads = 0;
/** Loads the page afresh (a new query, so a link that differs only after # is not a same-page jump). */
async function open(page: Page, hash = '#s=single-read'): Promise<void> {
  await page.goto(`/?load=${++loads}${hash}`);
  await expect(button(page, 'Step')).toBeEnabled();
}

/** Records every change inside a live region (what a screen reader would be told), from now on. */
async function recordLiveRegions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { said: string[] };
    w.said = [];
    const live = (n: Node | null) =>
      (n instanceof Element ? n : n?.parentElement)?.closest(
        '[aria-live]:not([aria-live=off]),[role=status],[role=alert],[role=log]',
      );
    new MutationObserver((changes) => {
      for (const c of changes) {
        const region = live(c.target);
        if (region) w.said.push((region.textContent ?? '').trim());
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}
const said = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { said: string[] };
    const out = [...new Set(w.said)].filter((s) => s !== '');
    w.said = [];
    return out;
  });

test.describe('announcements', () => {
  test('a single Step, Back, jump or Run-to says the step once; Play says nothing per step', async ({ page }) => {
    await open(page, '#s=single-read&sp=7');
    await recordLiveRegions(page);
    await page.keyboard.press('ArrowRight');
    // Step 1 stores an IN request's all-zero out_hdr over zeros: the sentence says so.
    const first =
      'Step 1: req 0 out_hdr: virtio_blk_outhdr written (type, ioprio, sector)' +
      '. It writes 0 over 0: that is what was there, so no value changes';
    await expect(announcer(page)).toHaveText(first);
    await expect(page.getByTestId('now-line')).toContainText('req 0 out_hdr: virtio_blk_outhdr written');
    // Only the announcer spoke: the memory view's note is no longer a live region.
    expect(await said(page)).toEqual([first]);

    await page.keyboard.press('ArrowRight');
    await expect(announcer(page)).toHaveText(/^Step 2: vq0 descriptor 0: flags = NEXT$/);
    await page.keyboard.press('ArrowLeft');
    await expect(announcer(page)).toHaveText(/^Step 1: /);

    await page.getByRole('button', { name: 'Run to next kick' }).click();
    await expect(announcer(page)).toHaveText(/^Step 19: kick: the driver notifies the device/);
    await said(page);

    // Play at full speed to the end: no step is announced on the way; the status line says where it stopped.
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The run is complete' })).toBeVisible();
    await expect(stepCount(page)).toHaveText('40');
    const during = await said(page);
    expect(during.filter((s) => /^Step \d+:/.test(s))).toEqual([]);
    expect(during.filter((s) => /Kick|Interrupt/.test(s))).toEqual([]);
    expect(during).toContain('The run is complete: every request finished.');
    await expect(announcer(page)).toHaveText(/^Step 19: /);

    // A jump on the timeline is announced too.
    await page.locator('.vr-tl-range').focus();
    await page.keyboard.press('Home');
    await expect(announcer(page)).toHaveText('Step 0: nothing has happened yet. Press Step (→).');
  });

  test('the announcement speaks the language on screen', async ({ page }) => {
    await open(page);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.keyboard.press('ArrowRight');
    await expect(announcer(page)).toHaveText(/^第 1 步：/);
  });
});

test.describe('focus stays on a control', () => {
  test('Back to step 0 hands focus to Step; Step and Play at the end hand it to Back', async ({ page }) => {
    await open(page, '#s=single-read&step=2');
    const back = button(page, 'Back');
    await back.focus();
    await page.keyboard.press('Enter');
    await expect(stepCount(page)).toHaveText('1');
    await expect(back).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(stepCount(page)).toHaveText('0');
    await expect(back).toBeDisabled();
    await expect(button(page, 'Step')).toBeFocused();

    await open(page, '#s=single-read&step=39');
    await button(page, 'Step').focus();
    await page.keyboard.press('Enter');
    await expect(stepCount(page)).toHaveText('40');
    await expect(button(page, 'Back')).toBeFocused();

    await open(page, '#s=single-read&sp=7&step=30');
    await button(page, 'Play').focus();
    await page.keyboard.press('Enter');
    await expect(stepCount(page)).toHaveText('40');
    await expect(button(page, 'Back')).toBeFocused();
  });

  test('the Share menu gives focus back to its button when it closes', async ({ page }) => {
    await open(page);
    const share = page.getByRole('button', { name: 'Share, export and import' });
    await share.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Copy link' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(share).toHaveAttribute('aria-expanded', 'false');
    await expect(share).toBeFocused();

    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(share).toHaveAttribute('aria-expanded', 'false');
    await expect(share).toBeFocused();
  });

  test('closing or finishing a lesson gives focus to the Lessons button', async ({ page }) => {
    await open(page, '#s=single-read&lesson=journey&stop=2');
    // Once the stop's step is reached the panel announces it by focusing its heading: wait for that, or it takes
    // focus back from the button focused below.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName ?? '')).toMatch(/^H\d$/);
    const close = page.getByRole('button', { name: 'Close the lesson' });
    await close.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('lesson-player')).toHaveCount(0);
    await expect(button(page, 'Lessons')).toBeFocused();

    await open(page, '#s=single-read&lesson=why-paravirt&stop=1');
    const player = page.getByTestId('lesson-player');
    await expect(page.getByTestId('lesson-progress')).toContainText('Stop 1 of');
    const total = Number(/of (\d+)/.exec((await page.getByTestId('lesson-progress').textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(1);
    await open(page, `#s=single-read&lesson=why-paravirt&stop=${total}`);
    await expect(page.getByTestId('lesson-progress')).toHaveText(`Stop ${total} of ${total}`);
    // Once the stop's step is reached the panel announces it by focusing its heading: wait for that, or it takes
    // focus back from the button focused below.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName ?? '')).toMatch(/^H\d$/);
    const finish = player.getByRole('button', { name: 'Finish' });
    await finish.focus();
    await page.keyboard.press('Enter');
    await expect(player).toHaveCount(0);
    await expect(button(page, 'Lessons')).toBeFocused();
  });

  test('"Back to the simulation" gives focus to the switch back to the import', async ({ page }) => {
    await open(page);
    await page
      .getByLabel('Import real VM data')
      .setInputFiles(['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map((n) => `${QEMU_SAMPLES}/snap00_live_${n}`));
    await expect(page.getByTestId('snapshot-view')).toBeVisible();
    const back = page.getByRole('button', { name: /Back to the simulation/ }).last();
    await back.focus();
    await page.keyboard.press('Enter');
    await expect(button(page, 'Step')).toBeVisible();
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('imp-switch');
  });
});

test('at 390×844 ← and → scroll a focused region that scrolls sideways instead of stepping', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, '#s=single-read&step=19');
  for (const name of ['Request rows', 'Hex dump of allocated guest memory']) {
    const region = page.getByRole('region', { name, exact: true });
    expect(await region.evaluate((e) => e.scrollWidth > e.clientWidth), name).toBe(true);
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((e) => e.scrollLeft), name).toBeGreaterThan(0);
    await page.keyboard.press('ArrowLeft');
    await expect(stepCount(page), name).toHaveText('19');
  }
  // A region that fits keeps nothing: the arrows step as anywhere else.
  const rows = page.getByRole('region', { name: 'vq0 descriptor rows' });
  if (await rows.evaluate((e) => e.scrollWidth <= e.clientWidth)) {
    await rows.focus();
    await page.keyboard.press('ArrowRight');
    await expect(stepCount(page)).toHaveText('20');
  }
});

test('the help dialog opens at its top and lists every key, in both languages', async ({ page }) => {
  await open(page);
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Help' });
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Help', level: 2 })).toBeFocused();
  expect(await dialog.evaluate((d) => d.scrollTop)).toBe(0);
  for (const [key, what] of [
    ['Page Down', 'Next stop of the open lesson'],
    ['Page Up', 'Previous stop of the open lesson'],
    ['Esc', 'Close the Share menu or a dialog'],
  ])
    await expect(dialog.getByRole('row', { name: `${key} ${what}` })).toBeVisible();
  await expect(dialog).toContainText('Space on a focused button presses that button');
  await expect(dialog).not.toContainText('except inside a text field, a list or a slider');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toContainText('打开的课程的下一站');
  await expect(page.getByRole('dialog')).toContainText('空格键按下该按钮');
});

test('lesson: the answer is announced and the heading reads as two parts', async ({ page }) => {
  await open(page, '#s=single-read&lesson=journey&stop=1');
  const player = page.getByTestId('lesson-player');
  for (let i = 0; i < 3; i++) await player.getByTestId('lesson-next').click();
  const heading = player.getByRole('heading', { level: 2 });
  await expect(heading).toHaveAccessibleName(/read\(\) — Stop 4 of 10$/);
  // The live region is there, empty, before the answer: a region that appears with its text is not announced.
  const live = player.getByTestId('lesson-feedback-live');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toHaveText('');
  await player.locator('[data-value="5"]').click();
  await expect(live.getByTestId('lesson-feedback')).toHaveText('Not quite: the answer is 0 (you said 5).');
});

test('the imported trace keeps no scrollable region out of keyboard reach', async ({ page }) => {
  await open(page);
  await page.getByLabel('Import real VM data').setInputFiles(`${QEMU_SAMPLES}/trace-default.log`);
  const rows = page.getByRole('region', { name: 'Imported request rows' });
  await expect(rows).toBeVisible({ timeout: 60_000 });
  await expect(rows).toHaveAttribute('tabindex', '0');
  const results = await new AxeBuilder({ page })
    .withRules(['scrollable-region-focusable', 'landmark-unique'])
    .analyze();
  expect(results.violations).toEqual([]);
});
