import { copyFileSync, mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { engineAfter } from './engineExpect';

const SHOTS = 'test-results/screenshots';

async function open(page: Page, scenario = 'single-read', seed = 1): Promise<void> {
  await page.goto(`/?scenario=${scenario}&seed=${seed}`);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await expect(currentStep(page)).toHaveText('0');
}

const currentStep = (page: Page) => page.getByLabel('current step', { exact: true });
const value = (page: Page, name: string) => page.getByLabel(name, { exact: true });

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

async function stepTimes(page: Page, n: number): Promise<void> {
  const step = page.getByRole('button', { name: 'Step', exact: true });
  for (let i = 0; i < n; i++) await step.click();
}

/** The descriptor table as the page shows it: index, addr, len, flags, next. */
async function shownDescriptors(page: Page) {
  return page.getByTestId('desc-row').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll('td')].map((td) => td.textContent ?? '');
      const flags = cells[3] ?? '';
      return {
        index: Number(cells[0]),
        addr: Number(cells[1]),
        len: Number(cells[2]),
        flags:
          (flags.includes('NEXT') ? 1 : 0) | (flags.includes('WRITE') ? 2 : 0) | (flags.includes('INDIRECT') ? 4 : 0),
        next: Number((cells[4] ?? '').replace('→', '').trim()),
      };
    }),
  );
}

test.describe('the visualizer', () => {
  test('stepping shows what the engine computes, and Back undoes it', async ({ page }) => {
    await open(page);
    await shot(page, '01-start');
    for (const n of [17, 31]) {
      await stepTimes(page, n - Number(await currentStep(page).textContent()));
      const want = engineAfter('single-read', 1, n);
      await expect(currentStep(page)).toHaveText(String(want.step));
      await expect(value(page, 'avail.idx')).toHaveText(String(want.availIdx));
      await expect(value(page, 'used.idx')).toHaveText(String(want.usedIdx));
      await expect(value(page, 'num_free')).toHaveText(String(want.numFree));
      await expect(value(page, 'last_used_idx')).toHaveText(String(want.lastUsedIdx));
      await expect(value(page, 'last_avail_idx')).toHaveText(String(want.lastAvailIdx));
      expect(await shownDescriptors(page)).toEqual(want.desc);
      await expect(page.getByTestId('now-line')).toContainText(want.fn!);
      if (n === 17) await shot(page, '02-avail-idx-published');
    }
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    const back = engineAfter('single-read', 1, 30);
    await expect(currentStep(page)).toHaveText('30');
    await expect(value(page, 'used.idx')).toHaveText(String(back.usedIdx));
    expect(await shownDescriptors(page)).toEqual(back.desc);
  });

  test('the code panel highlights the line of the current step and links to the real function', async ({ page }) => {
    await open(page);
    await stepTimes(page, 16); // step 16: the virtio_wmb before avail.idx
    await expect(page.getByTestId('code-active-line')).toContainText('virtio_wmb');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('code-active-line')).toContainText('avail.idx = ');
    await expect(page.getByRole('link', { name: /virtqueue_add_split/ })).toHaveAttribute(
      'href',
      'https://elixir.bootlin.com/linux/latest/A/ident/virtqueue_add_split',
    );
  });

  test('Play animates steps until Pause; Free-run runs to the end', async ({ page }) => {
    await open(page);
    await page.getByLabel('Speed').fill('7'); // one step per frame
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    await expect.poll(async () => Number(await currentStep(page).textContent())).toBeGreaterThan(5);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    const stopped = await currentStep(page).textContent();
    await page.waitForTimeout(300);
    await expect(currentStep(page)).toHaveText(stopped!);

    await page.getByRole('button', { name: 'Free-run', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'every request finished' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Free-run', exact: true })).toBeVisible();
    await expect(page.getByTestId('counter-completed')).toHaveText('1');
  });

  test('a kick is animated, and the timeline jumps', async ({ page }) => {
    await open(page);
    await page.getByRole('button', { name: 'Run to next kick' }).click();
    await expect(page.getByTestId('kick-animation')).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Stopped at a kick.' })).toBeVisible();
    await shot(page, '03-kick');
    await page.getByRole('button', { name: 'Run to the end' }).click();
    const end = Number(await currentStep(page).textContent());
    expect(end).toBeGreaterThan(19);

    await page.getByRole('slider', { name: 'Timeline' }).fill('10');
    await expect(currentStep(page)).toHaveText('10');
    const want = engineAfter('single-read', 1, 10);
    expect(await shownDescriptors(page)).toEqual(want.desc);
  });

  test('breakpoints: a bad one is explained inline, a good one stops the run', async ({ page }) => {
    await open(page);
    const input = page.getByRole('textbox', { name: 'Breakpoint' });
    await input.fill('avail.idx = 1');
    await input.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: 'Not a breakpoint' })).toContainText('FIELD OP NUMBER');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await input.fill('used.idx == 1');
    await input.press('Enter');
    await expect(page.getByRole('list', { name: 'Breakpoints' })).toContainText('used.idx == 1');
    await page.getByRole('button', { name: 'Run to next breakpoint' }).click();
    await expect(value(page, 'used.idx')).toHaveText('1');
    await expect(page.getByRole('status').filter({ hasText: 'Stopped at a breakpoint.' })).toBeVisible();
    await page.getByRole('button', { name: 'Remove breakpoint used.idx == 1' }).click();
    await expect(page.getByRole('list', { name: 'Breakpoints' })).toHaveCount(0);
  });

  test('a feature set that does not validate is refused with the field named', async ({ page }) => {
    await open(page);
    await page.getByText(/^Features/).click();
    await page.getByRole('checkbox', { name: 'VERSION_1' }).uncheck();
    await expect(page.getByRole('alert').filter({ hasText: 'cannot run' })).toContainText('VERSION_1 is required');
    await page.getByRole('checkbox', { name: 'VERSION_1' }).check();
    await expect(page.getByRole('alert').filter({ hasText: 'cannot run' })).toHaveCount(0);
  });

  test('a misbehaving guest: the error panel shows QEMU’s wording and Reset reloads', async ({ page }) => {
    await open(page, 'bad-guest-looped-chain');
    await page.getByRole('button', { name: 'Run to next error' }).click();
    const panel = page.getByRole('alert').filter({ hasText: 'The device needs a reset' });
    await expect(panel).toContainText('Looped descriptor');
    await expect(panel).toContainText('DEVICE_NEEDS_RESET');
    await expect(panel).toContainText('§2.7.5.2');
    await shot(page, '04-device-error');
    await panel.getByRole('button', { name: 'Reset device and reload' }).click();
    await expect(panel).toHaveCount(0);
    await expect(currentStep(page)).toHaveText('0');
  });

  test('switching to Chinese and back; the choice survives a reload', async ({ page }) => {
    await open(page);
    await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' });
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('button', { name: '单步前进' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('button', { name: '单步前进' })).toBeEnabled();
    await page.getByRole('button', { name: '单步前进' }).click();
    // The step's sentence comes from the engine as a key and parameters: it is Chinese too, in the panel and
    // in the line that stays in view, and names the memory region as the memory map does.
    const sentence = page.getByTestId('step-explain');
    await expect(sentence).toHaveText(
      '请求 0 的请求头 out_hdr：写入 virtio_blk_outhdr（type、ioprio、sector）' +
        '。用 0 覆盖 0：原来就是这个值，所以数值没有变化',
    );
    await expect(page.getByTestId('now-line')).toContainText('写入 virtio_blk_outhdr');
    await shot(page, '05-chinese');
    await page.getByRole('combobox', { name: '语言' }).selectOption({ label: 'English' });
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeVisible();
    await expect(sentence).toHaveText(
      'req 0 out_hdr: virtio_blk_outhdr written (type, ioprio, sector)' +
        '. It writes 0 over 0: that is what was there, so no value changes',
    );
  });

  test('keyboard only: arrows step, Space plays, ? opens help, focus is visible', async ({ page }) => {
    await open(page);
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(currentStep(page)).toHaveText('3');
    await page.keyboard.press('ArrowLeft');
    await expect(currentStep(page)).toHaveText('2');

    await page.keyboard.press(' ');
    await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    await page.keyboard.press(' ');
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();

    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Help' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Step back');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    // Tab from the top reaches the Step button, which shows its focus and works with Enter.
    await page.keyboard.press('Home');
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent?.trim().startsWith('Step') === true);
    }
    expect(reached).toBe(true);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    const before = Number(await currentStep(page).textContent());
    await page.keyboard.press('Enter');
    await expect(currentStep(page)).toHaveText(String(before + 1));
  });

  test('no serious or critical accessibility violations', async ({ page }) => {
    await open(page);
    await page.getByRole('button', { name: 'Run to next kick' }).click();
    const serious = async () =>
      (await new AxeBuilder({ page }).analyze()).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(await serious()).toEqual([]);
    // Moderate, but a screen reader's landmark list is useless when two regions share a name.
    const landmarks = await new AxeBuilder({ page }).withRules(['landmark-unique']).analyze();
    expect(landmarks.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')))).toEqual([]);
    await page.getByRole('button', { name: 'Presenter' }).click();
    expect(await serious()).toEqual([]);
  });

  test('presenter mode and a phone-sized window stay readable', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await open(page);
    await page.getByRole('button', { name: 'Run to next kick' }).click();
    await shot(page, '00-main-1280x720');
    // The README's picture is refreshed only on request, so a test run leaves the work tree as it was.
    if (process.env.UPDATE_README_SCREENSHOT) {
      mkdirSync('docs', { recursive: true });
      copyFileSync(`${SHOTS}/00-main-1280x720.png`, 'docs/screenshot.png');
    }
    await page.getByRole('button', { name: 'Presenter' }).click();
    await expect(page.getByRole('button', { name: 'Presenter' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('.vr-memory')).toHaveCount(0);
    await shot(page, '06-presenter-1280x720');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Presenter' }).click();
    const guest = await page.locator('.column-guest').boundingBox();
    const device = await page.locator('.column-device').boundingBox();
    expect(guest!.x).toBeCloseTo(device!.x, 0); // stacked, not side by side
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await shot(page, '07-phone-390x844');
  });
});
