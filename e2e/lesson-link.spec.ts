import { expect, test, type Page } from '@playwright/test';

const player = (page: Page) => page.getByTestId('lesson-player');
const progress = (page: Page) => page.getByTestId('lesson-progress');
const currentStep = (page: Page) => page.getByLabel('current step', { exact: true });
const shareButton = (page: Page) => page.getByRole('button', { name: 'Share, export and import' });

/** Counts the lessons' script (the player, the catalog, the planner) and their texts as the page fetches them. */
function watchLessonChunks(page: Page): string[] {
  const fetched: string[] = [];
  page.on('request', (r) => {
    const file = new URL(r.url()).pathname.split('/').pop() ?? '';
    if (/^(LessonsUi|lessons)-.*\.js$/.test(file)) fetched.push(file);
  });
  return fetched;
}

async function openApp(page: Page, address = '/'): Promise<void> {
  await page.goto(address);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

test.describe('a lesson in the shared address', () => {
  test.describe.configure({ timeout: 60_000 });

  test('a link taken during a lesson reopens it at the same stop and step, in a new page', async ({
    page,
    context,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    const first = watchLessonChunks(page);
    await openApp(page, '/#s=single-read&seed=1&step=4');
    await expect(page).toHaveURL(/#s=single-read&seed=1&step=4$/);
    // No lesson in the link: none of the lessons' code or texts is fetched.
    expect(first).toEqual([]);

    await page.getByRole('button', { name: 'Lessons', exact: true }).click();
    await page.locator('[data-lesson="journey"]').click();
    await expect(progress(page)).toContainText('Stop 1 of');
    await player(page).getByTestId('lesson-next').click();
    await player(page).getByTestId('lesson-next').click();
    await expect(progress(page)).toHaveText('Stop 3 of 10');
    await expect(player(page).getByTestId('lesson-text')).not.toHaveText(/Getting the simulation there/);
    // The teacher steps on from the stop; the link keeps both where the lesson is and where the simulation is.
    const stopStep = Number(await currentStep(page).textContent());
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    const step = String(stopStep + 1);
    await expect(currentStep(page)).toHaveText(step);
    await expect(page).toHaveURL(new RegExp(`step=${step}&lesson=journey&stop=3$`));
    const text = await player(page).getByTestId('lesson-text').textContent();

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await shareButton(page).click();
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    await expect(page.getByTestId('share-notice')).toContainText('Link copied');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());

    const other = await context.newPage();
    await other.setViewportSize({ width: 1280, height: 720 });
    const fetched = watchLessonChunks(other);
    await other.goto(link);
    await expect(progress(other)).toHaveText('Stop 3 of 10');
    await expect(player(other).getByRole('heading', { level: 2 })).toContainText('The journey of one read()');
    await expect(player(other).getByTestId('lesson-text')).toHaveText(text!);
    await expect(currentStep(other)).toHaveText(step);
    // The simulation is one step past the stop there too, so the player offers the way back.
    await expect(player(other).getByRole('button', { name: /Back to the stop/ })).toBeVisible();
    expect(fetched.some((f) => f.startsWith('LessonsUi-'))).toBe(true);
    await other.screenshot({ path: 'test-results/lesson-link-reopened.png' });
    await expect(other).toHaveURL(link);

    // A question waiting for its answer travels too: the new page asks it, at the stop before.
    await player(page)
      .getByRole('button', { name: /Back to the stop/ })
      .click();
    await player(page).getByTestId('lesson-next').click();
    await expect(progress(page)).toHaveText('Stop 4 of 10');
    await expect(page).toHaveURL(/&lesson=journey&stop=4&ask=1$/);
    const asked = await context.newPage();
    await asked.goto(page.url());
    await expect(progress(asked)).toHaveText('Stop 4 of 10');
    await expect(player(asked).getByTestId('lesson-choice').first()).toBeVisible();
    await expect(currentStep(asked)).toHaveText((await currentStep(page).textContent())!);

    // Closing the lesson takes it out of the address.
    await player(page).getByRole('button', { name: 'Close the lesson' }).click();
    await expect(player(page)).toHaveCount(0);
    await expect(page).toHaveURL(/#s=lesson-one-read&seed=1&step=\d+$/);
  });

  test('a link to a lesson or stop that does not exist says so and opens nothing of it', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await openApp(page, '/#s=single-read&seed=1&step=6&lesson=jurney&stop=2');
    const notice = page.getByTestId('share-notice');
    await expect(notice).toContainText('This link cannot be opened; the default scenario is shown instead');
    await expect(notice).toContainText('lesson: “jurney” is not a lesson (the lessons are: why-paravirt, journey,');
    await expect(currentStep(page)).toHaveText('0');
    await expect(player(page)).toHaveCount(0);
    await page.screenshot({ path: 'test-results/lesson-link-unknown.png' });

    // Pasted into the address bar while the page is open: the page stays as it was.
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page).toHaveURL(/#s=single-read&seed=1&step=1$/);
    await page.evaluate(() => {
      location.hash = '#s=single-read&seed=1&step=3&lesson=journey&stop=12';
    });
    await expect(notice).toContainText('This link cannot be opened; the page shows what it showed before');
    await expect(notice).toContainText('stop: lesson “journey” has 10 stops, so there is no stop 12');
    await expect(page).toHaveURL(/#s=single-read&seed=1&step=1$/);
    await expect(currentStep(page)).toHaveText('1');
    await expect(player(page)).toHaveCount(0);

    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await expect(notice).toContainText('课程“journey”共有 10 站，没有第 12 站');
    await page.screenshot({ path: 'test-results/lesson-link-no-stop-zh.png' });
  });

  test('an embed ignores a lesson in its link and loads none', async ({ page }) => {
    const fetched = watchLessonChunks(page);
    await page.goto('/?embed=1#s=single-read&seed=1&step=3&lesson=journey&stop=2');
    await expect(currentStep(page)).toHaveText('3');
    await expect(page.getByTestId('share-notice')).toHaveCount(0);
    await expect(player(page)).toHaveCount(0);
    expect(fetched).toEqual([]);
  });
});
