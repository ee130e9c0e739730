import { expect, test, type Page } from '@playwright/test';

// The timeline's marks sit at the step that shows their event (step N is the state after N steps), so a click on a
// mark lands where Run to next kick / interrupt / completion stops. And the header a student sees at 1366x768.

const currentStep = (page: Page) => page.getByLabel('current step', { exact: true });
const stepButton = (page: Page) => page.getByRole('button', { name: 'Step', exact: true });

test.describe('timeline markers', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('single-read: each mark is at the step Run to next stops at, and a click on it lands there', async ({
    page,
  }) => {
    const lanes = { kicks: 'kick', interrupts: 'interrupt', completions: 'completion' } as const;
    await page.goto('/#s=single-read&seed=1&step=40');
    await expect(currentStep(page)).toHaveText('40');
    const marks = (lane: string) => page.locator(`.vr-tl-${lane} path`);
    const at: Record<string, number[]> = {};
    for (const lane of Object.keys(lanes))
      at[lane] = await marks(lane).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-at'))));
    expect(at.kicks!.length).toBeGreaterThan(0);

    for (const [lane, target] of Object.entries(lanes)) {
      // From the start, Run to next <target> stops at each mark in turn.
      await page.getByRole('slider', { name: 'Timeline' }).fill('0');
      await expect(currentStep(page)).toHaveText('0');
      for (const step of at[lane]!) {
        await page.getByRole('button', { name: `Run to next ${target}` }).click();
        await expect(currentStep(page), lane).toHaveText(String(step));
      }
      // A click on a mark lands on its step.
      for (let i = 0; i < at[lane]!.length; i++) {
        const mark = marks(lane).nth(i);
        await mark.scrollIntoViewIfNeeded();
        const box = (await mark.boundingBox())!;
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await expect(currentStep(page), lane).toHaveText(String(at[lane]![i]));
        await expect(page).toHaveURL(new RegExp(`step=${at[lane]![i]}(&|$)`));
      }
    }
    // The kick's mark is where the kick counter goes up, not the step before it (virtio_mb, no kick yet).
    const kick = at.kicks![0]!;
    await page.getByRole('slider', { name: 'Timeline' }).fill(String(kick - 1));
    await expect(page.getByTestId('counter-kicks')).toHaveText('0');
    await page.getByRole('slider', { name: 'Timeline' }).fill(String(kick));
    await expect(page.getByTestId('counter-kicks')).toHaveText('1');
  });
});

test.describe('the header at 1366x768', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('the scenario picker shows a long title whole; Queue size shows the scenario’s size', async ({ page }) => {
    await page.goto('/#s=bad-guest-missing-barrier&seed=1');
    await expect(stepButton(page)).toBeEnabled();
    const picker = page.locator('.scenario-picker select');
    await expect(picker).toHaveValue('bad-guest-missing-barrier');
    // The select's box holds its title's text, with room for its padding and arrow.
    const fits = await picker.evaluate((s: HTMLSelectElement) => {
      const cs = getComputedStyle(s);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const text = ctx.measureText(s.selectedOptions[0]!.textContent!).width;
      return { text, room: s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20 };
    });
    expect(fits.text).toBeLessThanOrEqual(fits.room);
    const size = page.getByLabel('Queue size');
    await expect(size).toHaveValue('8');
    // Typing the scenario's own size is no change: the link carries no qs.
    await size.fill('16');
    await size.press('Enter');
    await expect(page.getByText('mod 16').first()).toBeVisible();
    await size.fill('8');
    await size.press('Enter');
    await expect(page.getByText('mod 8').first()).toBeVisible();
    await expect(size).toHaveValue('8');
    await expect(page).not.toHaveURL(/qs=/);
  });
});
