import { expect, test, type Page } from '@playwright/test';

// What the step counter, the step caption and Step/Back say: the run's length only once it is known, and after a
// free-run what it reached, with Copy link saying that the link opens the scenario from the start.

const currentStep = (page: Page) => page.getByLabel('current step', { exact: true });
const counter = (page: Page) => page.locator('.step-count');
const stepButton = (page: Page) => page.getByRole('button', { name: 'Step', exact: true });
const backButton = (page: Page) => page.getByRole('button', { name: 'Back', exact: true });

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`/#${hash}`);
  await expect(stepButton(page)).toBeEnabled();
  await expect(currentStep(page)).toHaveText('0');
}

test.describe('the step counter', () => {
  test('gives no second number until the run’s end is known, then “N / length”', async ({ page }) => {
    await open(page, 's=single-read&seed=1');
    await expect(counter(page)).toHaveText(/^Step 0$/);
    for (let i = 0; i < 5; i++) await stepButton(page).click();
    await expect(counter(page)).toHaveText(/^Step 5$/);
    await backButton(page).click();
    await backButton(page).click();
    await expect(counter(page)).toHaveText(/^Step 3 · reached 5$/);
    await expect(page.locator('.vr-timeline-head')).toContainText('step 3 of 5 so far');

    await page.getByRole('button', { name: 'Run to the end' }).click();
    const end = Number(await currentStep(page).textContent());
    expect(end).toBeGreaterThan(30);
    await expect(counter(page)).toHaveText(`Step ${end} / ${end}`);
    await expect(stepButton(page)).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeDisabled();

    await page.getByRole('slider', { name: 'Timeline' }).fill('12');
    await expect(counter(page)).toHaveText(`Step 12 / ${end}`);
    await expect(page.locator('.vr-timeline-head')).toContainText(`step 12 of ${end}`);
    await expect(stepButton(page)).toBeEnabled();

    // A new run forgets the length until its own end is reached.
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(counter(page)).toHaveText(/^Step 0$/);
  });

  test('reads the same way in Chinese', async ({ page }) => {
    await page.goto('/#s=single-read&seed=1&lang=zh-CN');
    await expect(page.getByRole('button', { name: '单步前进', exact: true })).toBeEnabled();
    await expect(counter(page)).toHaveText(/^步骤 0$/);
    await page.getByRole('button', { name: '运行到结束' }).click();
    await expect(page.getByRole('button', { name: '单步前进', exact: true })).toBeDisabled();
    const end = Number(await page.getByLabel('当前步骤', { exact: true }).textContent());
    await page.getByRole('slider', { name: '时间线' }).fill('12');
    await expect(counter(page)).toHaveText(`步骤 12 / ${end}`);
  });
});

test.describe('after a free-run', () => {
  test('the caption says what the free-run reached, Step is off at the end, and Copy link warns', async ({
    page,
    context,
  }) => {
    await open(page, 's=random-soak&seed=1');
    await page.getByRole('button', { name: 'Free-run', exact: true }).click();
    await expect(page.locator('.status-message')).toHaveText('The run is complete: every request finished.', {
      timeout: 30_000,
    });
    await expect(counter(page)).toHaveText('Step 0 since the free-run');
    const now = page.getByTestId('now-line');
    await expect(now).toContainText('The free-run went to the end of the run.');
    await expect(now).toContainText(/Requests completed: (\d+) of \1/);
    await expect(now).not.toContainText('nothing has happened yet');
    await expect(stepButton(page)).toBeDisabled();
    await expect(backButton(page)).toBeDisabled();

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Share, export and import' }).click();
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Link copied' });
    await expect(notice).toContainText('opens this scenario from the start (step 0)');
    await expect(notice).toContainText('a free-run cannot be replayed');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/#s=random-soak&seed=1$/);
    // A warning stays until it is dismissed.
    await page.waitForTimeout(5500);
    await expect(notice).toBeVisible();
    await notice.getByRole('button', { name: 'Dismiss' }).click();

    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: '分享、导出与导入' }).click();
    await page.getByRole('button', { name: '复制链接', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: '链接已复制' })).toContainText('自由运行无法重放');
    await expect(now).toContainText('自由运行已运行到本次运行的结束');
  });
});
