import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** The lessons in the order the picker lists them, with how many stops each has. */
const LESSONS = [
  'why-paravirt',
  'journey',
  'chains',
  'indices',
  'notify',
  'out-of-order',
  'indirect',
  'multiqueue',
  'break-it',
] as const;

/**
 * Answers the engine gives (checked against the engine in src/lessons/lessons.test.ts): the walk gives these
 * right and expects "Right"; every other question is answered with the first choice (or 1) and must get feedback.
 */
const KNOWN: Record<string, number> = {
  'journey:publish': 0,
  'journey:pop': 0,
  'journey:push': 4097,
  'chains:chain': 3,
  'chains:used-len': 4097,
  'chains:write-len': 1,
  'indices:first-slot': 2,
  'indices:wrap': 0,
  'indices:pending': 1,
  'indices:full': 4,
  'why-paravirt:batch': 1,
  'indirect:one-slot': 1,
  'indirect:table': 3,
  'indirect:many': 0,
  'multiqueue:one-thread': 0,
  'multiqueue:vq1-thread': 1,
  'break-it:barrier-end': 1,
  'break-it:no-wrap-end': 0,
  'break-it:loop-end': 0,
  'break-it:leak-end': 2,
  'break-it:used-len': 69633,
  'break-it:lost-irq-end': 2,
};

const player = (page: Page) => page.getByTestId('lesson-player');

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).include('[data-testid="lesson-player"]').analyze();
  expect(results.violations).toEqual([]);
}

async function openApp(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

async function startLesson(page: Page, id: string): Promise<void> {
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  await page.locator(`[data-lesson="${id}"]`).click();
  await expect(page.getByTestId('lesson-progress')).toContainText('Stop 1 of');
}

/** Every highlighted element of the stop on screen exists and is visible; the first one is scrolled into view. */
async function checkHighlights(page: Page, where: string): Promise<void> {
  const marks = page.getByTestId('lesson-mark');
  const selectors = await marks.evaluateAll((els) => els.map((e) => e.getAttribute('data-selector') ?? ''));
  for (const selector of selectors) {
    const target = page.locator(selector).first();
    await expect(target, `${where}: ${selector}`).toBeVisible();
  }
}

/** The step the stop says it shows is the step the visualizer is at. */
async function checkStep(page: Page, where: string): Promise<void> {
  const note = await player(page).locator('.lesson-where').textContent();
  const step = /step (\d+)/.exec(note ?? '')?.[1];
  expect(step, where).toBeDefined();
  await expect(page.getByLabel('current step', { exact: true }), where).toHaveText(step!);
}

async function answer(page: Page, key: string): Promise<void> {
  const known = KNOWN[key];
  const choices = player(page).getByTestId('lesson-choice');
  if ((await choices.count()) > 0) {
    const pick = known === undefined ? choices.first() : player(page).locator(`[data-value="${known}"]`);
    await pick.click();
  } else {
    await player(page)
      .getByRole('spinbutton')
      .fill(String(known ?? 1));
    await player(page).getByRole('button', { name: 'Check' }).click();
  }
  const feedback = player(page).getByTestId('lesson-feedback');
  await expect(feedback, key).toBeVisible();
  if (known !== undefined) await expect(feedback, key).toHaveText(/^Right: /);
  else await expect(feedback, key).toHaveText(/^(Right|Not quite)/);
}

/** Walks a lesson from its first stop to its last, answering each question; returns the number of stops. */
async function walk(page: Page, id: string): Promise<number> {
  await startLesson(page, id);
  const total = Number(/of (\d+)/.exec((await page.getByTestId('lesson-progress').textContent()) ?? '')![1]);
  for (let n = 1; n <= total; n++) {
    await expect(page.getByTestId('lesson-progress')).toHaveText(`Stop ${n} of ${total}`);
    const question = player(page).locator('.lesson-question');
    if (await question.isVisible()) {
      const stopId = await player(page).getAttribute('data-stop');
      await answer(page, `${id}:${stopId}`);
    }
    await expect(player(page).getByTestId('lesson-text')).not.toHaveText(/Getting the simulation there/);
    await checkStep(page, `${id} stop ${n}`);
    await checkHighlights(page, `${id} stop ${n}`);
    if (await player(page).locator('.lesson-compare').count()) {
      await expect(player(page).getByTestId('compare-row').first()).toBeVisible({ timeout: 15_000 });
      await expectNoAxeViolations(page);
    }
    if (n < total) await player(page).getByTestId('lesson-next').click();
  }
  await expect(player(page).getByRole('button', { name: 'Finish' })).toBeVisible();
  return total;
}

test.describe('guided lessons', () => {
  test.describe.configure({ timeout: 90_000 });

  test('the picker lists the nine lessons, and the player passes axe', async ({ page }) => {
    await openApp(page);
    await page.getByRole('button', { name: 'Lessons', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose a lesson' });
    await expect(dialog).toBeVisible();
    await expect(dialog.locator('[data-lesson]')).toHaveCount(LESSONS.length);
    expect(
      await new AxeBuilder({ page })
        .include('.lesson-picker')
        .analyze()
        .then((r) => r.violations),
    ).toEqual([]);
    await dialog.locator('[data-lesson="journey"]').click();
    await expect(player(page)).toBeVisible();
    await player(page).getByTestId('lesson-next').click();
    await expectNoAxeViolations(page);
    // A question waiting for its answer: the choices and "just show me".
    await player(page).getByTestId('lesson-next').click();
    await player(page).getByTestId('lesson-next').click();
    await expect(player(page).getByTestId('lesson-choice').first()).toBeVisible();
    await expectNoAxeViolations(page);
  });

  for (const id of LESSONS) {
    test(`walks "${id}" from its first stop to its last`, async ({ page }) => {
      await openApp(page);
      const stops = await walk(page, id);
      expect(stops).toBeGreaterThanOrEqual(4);
      // Previous goes back to the stop before, at its own step.
      await player(page).getByRole('button', { name: '← Previous' }).click();
      await expect(page.getByTestId('lesson-progress')).toHaveText(`Stop ${stops - 1} of ${stops}`);
      await checkStep(page, `${id} back`);
      await player(page).getByRole('button', { name: 'Close the lesson' }).click();
      await expect(player(page)).toHaveCount(0);
    });
  }

  test('a wrong answer is corrected from the simulation, and the lesson reads in Chinese', async ({ page }) => {
    await openApp(page);
    await startLesson(page, 'journey');
    for (let i = 0; i < 3; i++) await player(page).getByTestId('lesson-next').click();
    await player(page).locator('[data-value="5"]').click();
    await expect(player(page).getByTestId('lesson-feedback')).toHaveText('Not quite: the answer is 0 (you said 5).');
    // Stepping away is noticed, and the player brings the simulation back.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await player(page)
      .getByRole('button', { name: /Back to the stop/ })
      .click();
    await checkStep(page, 'resync');

    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await expect(page.getByTestId('lesson-progress')).toHaveText('第 4 站，共 10 站');
    await expect(player(page).getByTestId('lesson-text')).toContainText('存放链头');
    await expectNoAxeViolations(page);
  });

  test('at 390×844 the player fits the window and the highlight stays reachable', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openApp(page);
    await startLesson(page, 'indices');
    await player(page).getByTestId('lesson-next').click();
    await player(page).locator('[data-value="2"]').click();
    await expect(player(page).getByTestId('lesson-feedback')).toHaveText(/^Right/);
    const box = (await player(page).boundingBox())!;
    expect(box.height).toBeLessThanOrEqual(844 * 0.56);
    await checkHighlights(page, 'phone');
  });
});
