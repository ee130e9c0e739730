import { expect, test, type Page } from '@playwright/test';

// Once a run has ended (a free-run that went to the end, stepping onto the last step, a device error that leaves
// nothing to do), every control that moves forward is disabled with the reason as its title, the controls that still
// work stay enabled, and the step announcer (the screen readers' live region) says where the run now stands instead
// of a step from before. The page runs the engine in workers here (the preview server sends COOP/COEP).

const ENDED = 'The run has ended: nothing is left to run. Reset starts it again.';
const RUN_TO = ['Run to next kick', 'Run to next interrupt', 'Run to next completion', 'Run to next error'];
const FORWARD = ['Step', 'Play', 'Free-run', ...RUN_TO, 'Run to next breakpoint', 'Run to the end'];

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const currentStep = (page: Page) => page.getByLabel('current step', { exact: true });
const status = (page: Page) => page.locator('.status-line .status-message');
const announcer = (page: Page) => page.getByTestId('step-announcer');

async function open(page: Page, scenario: string): Promise<void> {
  await page.goto(`/#s=${scenario}&seed=1`);
  await expect(button(page, 'Step')).toBeEnabled();
  await expect(currentStep(page)).toHaveText('0');
}

/** Every forward control is off, and says why. */
async function expectAllEnded(page: Page, why = ENDED): Promise<void> {
  for (const name of FORWARD) {
    await expect(button(page, name), name).toBeDisabled();
    await expect(button(page, name), name).toHaveAttribute('title', why);
  }
}

test.describe('the forward controls once the run has ended', () => {
  test('after a free-run that completes: all off with the reason; the live region says where the run stands', async ({
    page,
  }) => {
    await open(page, 'single-read');
    for (let i = 0; i < 3; i++) await button(page, 'Step').click();
    await expect(announcer(page)).toHaveText(/^Step 3: /);

    await button(page, 'Free-run').click();
    await expect(status(page)).toHaveText('The run is complete: every request finished.', { timeout: 30_000 });
    await expect(button(page, 'Free-run')).toBeVisible();
    await expectAllEnded(page);
    await expect(page.getByTestId('run-ended')).toHaveText('The run has ended.');
    await expect(button(page, 'Reset')).toBeEnabled();
    await expect(announcer(page)).toHaveText(
      /^Step 0 since the free-run: The free-run went to the end of the run\. Requests completed: 1 of 1 · /,
    );

    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(page.getByRole('button', { name: '运行到下一次 kick（通知设备）' })).toHaveAttribute(
      'title',
      '运行已结束：没有可以继续运行的内容。按“重置”重新开始。',
    );
    await expect(page.getByTestId('run-ended')).toHaveText('运行已结束。');
    await expect(announcer(page)).toHaveText(/^第 0 步（自由运行之后）：自由运行已运行到本次运行的结束。/);

    // Reset starts the run again, and everything moves again.
    await page.getByLabel('语言').selectOption('en');
    await button(page, 'Reset').click();
    await expect(currentStep(page)).toHaveText('0');
    await expect(button(page, 'Run to next kick')).toBeEnabled();
    await expect(button(page, 'Run to next kick')).not.toHaveAttribute('title');
  });

  test('after stepping to the end: all off, Back and the timeline still work, and the last step is said', async ({
    page,
  }) => {
    await open(page, 'single-read');
    await button(page, 'Run to the end').click();
    await expect(status(page)).toHaveText('The run is complete: every request finished.');
    const end = Number(await currentStep(page).textContent());
    await expectAllEnded(page);
    await expect(button(page, 'Back')).toBeEnabled();
    await expect(announcer(page)).toHaveText(new RegExp(`^Step ${end}, the last of the run: `));

    await page.getByRole('slider', { name: 'Timeline' }).fill(String(end - 1));
    await expect(currentStep(page)).toHaveText(String(end - 1));
    for (const name of RUN_TO) await expect(button(page, name), name).toBeEnabled();
    await expect(page.getByTestId('run-ended')).toHaveCount(0);

    await button(page, 'Step').click();
    await expect(currentStep(page)).toHaveText(String(end));
    await expectAllEnded(page);
  });

  test('a run-to button pressed from the keyboard that ends the run hands focus to Back', async ({ page }) => {
    await open(page, 'single-read');
    await button(page, 'Run to the end').focus();
    await page.keyboard.press('Enter');
    await expect(button(page, 'Run to the end')).toBeDisabled();
    await expect(button(page, 'Back')).toBeFocused();
  });

  test('a device error (NEEDS_RESET): stepping goes on while the driver can move, then everything stops', async ({
    page,
  }) => {
    await open(page, 'bad-guest-looped-chain');
    await button(page, 'Run to next error').click();
    await expect(status(page)).toHaveText('Stopped at an error.');
    // The device is broken, but the driver still has steps to take: the run has not ended.
    const at = Number(await currentStep(page).textContent());
    for (const name of ['Step', 'Play', 'Free-run', ...RUN_TO, 'Run to the end'])
      await expect(button(page, name), name).toBeEnabled();
    await button(page, 'Step').click();
    await expect(currentStep(page)).toHaveText(String(at + 1));

    await button(page, 'Run to the end').click();
    await expect(status(page)).toHaveText('The device found an error and stopped the queue.');
    await expectAllEnded(page);
    await expect(button(page, 'Back')).toBeEnabled();
    await expect(announcer(page)).toHaveText(/^Step \d+, the last of the run: /);

    const panel = page.getByRole('alert').filter({ hasText: 'The device needs a reset' });
    await panel.getByRole('button', { name: 'Reset device and reload' }).click();
    await expect(currentStep(page)).toHaveText('0');
    await expect(button(page, 'Run to next error')).toBeEnabled();
  });
});
