import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

// What a newcomer following the README runs into: Play and breakpoints, the end of a run, the error panels,
// free-run. The page runs the engine in workers here (the preview server sends COOP/COEP).

const SHOTS = 'test-results/screenshots';

async function open(page: Page, scenario: string, seed = 1): Promise<void> {
  await page.goto(`/?scenario=${scenario}&seed=${seed}`);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await expect(currentStep(page)).toHaveText('0');
}

const currentStep = (page: Page) => page.getByLabel('current step', { exact: true });
/** The status line's message (the page has other live regions). */
const status = (page: Page) => page.locator('.status-line .status-message');
const stepNumber = async (page: Page) => Number(await currentStep(page).textContent());

async function addBreakpoint(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Breakpoint' });
  await input.fill(text);
  await input.press('Enter');
}

test.describe('a newcomer following the README', () => {
  test('Play stops by itself at a breakpoint and names it; played again it stops at the end', async ({ page }) => {
    // Two kicks before the first completion: EVENT_IDX saves the others.
    await open(page, 'lesson-event-idx');
    await addBreakpoint(page, 'fn:virtqueue_notify');
    await page.getByLabel('Speed').fill('7'); // one step per frame
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect(status(page)).toHaveText('Stopped at a breakpoint. (fn:virtqueue_notify)');
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    await expect(page.getByTestId('now-line')).toContainText('virtqueue_notify');
    await expect(page.getByRole('list', { name: 'Breakpoints' }).locator('li.hit')).toHaveText(/fn:virtqueue_notify/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/10-play-stopped-at-breakpoint.png` });
    const first = await stepNumber(page);
    await page.waitForTimeout(300);
    expect(await stepNumber(page)).toBe(first);

    // Step by request: the stretch stops early at the next kick instead of running on to a completion.
    await page.getByLabel('Step by').selectOption('request');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => stepNumber(page)).toBeGreaterThan(first);
    await expect(status(page)).toHaveText('Stopped at a breakpoint. (fn:virtqueue_notify)');
    await expect(page.getByTestId('now-line')).toContainText('virtqueue_notify');

    await page.getByRole('button', { name: 'Remove breakpoint fn:virtqueue_notify' }).click();
    await expect(page.getByRole('button', { name: 'Run to next breakpoint' })).toBeDisabled();
    // Near the end, Play runs out of steps and stops by itself with the run complete.
    await page.getByRole('button', { name: 'Run to the end' }).click();
    const end = await stepNumber(page);
    await page.getByRole('slider', { name: 'Timeline' }).fill(String(end - 5));
    await expect(currentStep(page)).toHaveText(String(end - 5));
    await page.getByLabel('Step by').selectOption('write');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect(status(page)).toHaveText('The run is complete: every request finished.');
    await expect(currentStep(page)).toHaveText(String(end));
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  });

  test('the last step shows the run is complete at once', async ({ page }) => {
    await open(page, 'single-read');
    await page.getByRole('button', { name: 'Run to the end' }).click();
    const end = await stepNumber(page);
    await page.getByRole('slider', { name: 'Timeline' }).fill(String(end - 1));
    await expect(currentStep(page)).toHaveText(String(end - 1));
    await expect(status(page)).toHaveText('');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(currentStep(page)).toHaveText(String(end));
    await expect(status(page)).toHaveText('The run is complete: every request finished.');
  });

  test('the README breakpoints: a condition stops where it becomes true, once; a watch on avail.idx', async ({
    page,
  }) => {
    await open(page, 'write-batch-event-idx');
    await addBreakpoint(page, 'avail.idx == 5');
    const runToBreakpoint = page.getByRole('button', { name: 'Run to next breakpoint' });
    await runToBreakpoint.click();
    await expect(status(page)).toHaveText('Stopped at a breakpoint. (avail.idx == 5)');
    await expect(page.getByLabel('avail.idx', { exact: true })).toHaveText('5');
    // It stays 5 for many steps; running on does not stop again at each of them.
    await runToBreakpoint.click();
    await expect(status(page)).toHaveText('The run is complete: every request finished.');

    await open(page, 'single-read');
    await addBreakpoint(page, 'vq1.num_free == 0');
    await expect(page.getByRole('alert').filter({ hasText: 'Not a breakpoint' })).toContainText('only vq0');
    await addBreakpoint(page, 'watch:0x1082+2');
    await page.getByRole('button', { name: 'Run to next breakpoint' }).click();
    await expect(status(page)).toHaveText('Stopped at a breakpoint. (watch:0x1082+2)');
    await expect(page.getByLabel('avail.idx', { exact: true })).toHaveText('1');
    await expect(page.getByTestId('now-line')).toContainText('virtqueue_add_split');
  });

  test('a driver that gives up is not called a device reset; Reset recovers', async ({ page }) => {
    await open(page, 'bad-guest-missing-barrier');
    await page.getByRole('button', { name: 'Run to the end' }).click();
    const panel = page.getByRole('alert').filter({ hasText: 'id 0 is not a head!' });
    await expect(panel.getByRole('heading')).toHaveText('The driver gave up on the queue');
    await expect(panel).toContainText('vq->broken');
    await expect(panel).not.toContainText('DEVICE_NEEDS_RESET');
    await expect(status(page)).toHaveText('The driver found an error and gave up on the queue.');
    await panel.getByRole('button', { name: 'Reset device and reload' }).click();
    await expect(panel).toHaveCount(0);
    await expect(currentStep(page)).toHaveText('0');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(currentStep(page)).toHaveText('1');
  });

  test('Play stops at the error of a misbehaving guest and says so', async ({ page }) => {
    await open(page, 'bad-guest-index-jump');
    await page.getByLabel('Speed').fill('7');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect(status(page)).toHaveText('Stopped at an error.', { timeout: 20_000 });
    const alert = page.getByRole('alert').filter({ hasText: 'Guest moved used index' });
    await expect(alert).toBeVisible();
    // The check is QEMU's (virtqueue_num_heads) and vhost's, but QEMU's own pop skips it: the panel says so.
    await expect(alert).toContainText("QEMU's current virtqueue_split_pop does not");
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  });

  test('after a free-run the status says where the timeline starts, not an old run-to', async ({ page }) => {
    await open(page, 'random-soak');
    await page.getByRole('button', { name: 'Run to next kick' }).click();
    await expect(status(page)).toHaveText('Stopped at a kick.');
    await page.getByRole('button', { name: 'Free-run', exact: true }).click();
    // The live counter shows the first completions before Stop: a fast page could otherwise stop the workers
    // before any request has completed.
    await expect.poll(async () => Number(await page.getByTestId('counter-completed').textContent())).toBeGreaterThan(0);
    await page
      .getByRole('button', { name: 'Stop free-run', exact: true })
      .click({ timeout: 1000 })
      .catch(() => {
        /* it may already have run to the end */
      });
    await expect(page.getByRole('button', { name: 'Free-run', exact: true })).toBeVisible();
    await expect(status(page)).toHaveText(
      /^(Paused after a free-run: the timeline starts again here.*|The run is complete: every request finished\.)$/,
    );
    expect(Number(await page.getByTestId('counter-completed').textContent())).toBeGreaterThan(0);
  });
});
