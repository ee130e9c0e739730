import { expect, test, type Locator, type Page } from '@playwright/test';
import { QEMU_SAMPLES } from '../src/testing/samples';

// A projector (1280x720) and a phone (390x844): what a teacher or a phone user must see without hunting for it.

const stepButton = (page: Page) => page.getByRole('button', { name: 'Step', exact: true });

/** Whether the element lies wholly between the window's top (or the sticky controls) and the lesson panel. */
async function wholeInView(page: Page, el: Locator): Promise<boolean> {
  return page.evaluate(
    (node) => {
      const r = node.getBoundingClientRect();
      const panel = document.querySelector('.lesson-player')?.getBoundingClientRect().top ?? innerHeight;
      const bar = document.querySelector('.controls')!;
      const top = getComputedStyle(bar).position === 'sticky' ? bar.getBoundingClientRect().bottom : 0;
      return r.top >= top - 1 && r.bottom <= panel + 1;
    },
    await el.elementHandle(),
  );
}

test.describe('at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  for (const lang of ['en', 'zh-CN']) {
    test(`the header is one row (${lang})`, async ({ page }) => {
      await page.goto(`/#s=single-read&seed=1&lang=${lang}`);
      await expect(page.locator('.controls button.primary')).toBeEnabled();
      // The first and the last control on one line.
      const tops = await page
        .locator('.app-header .header-controls > :is(label, button, details, div)')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
      expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(10);
      const height = (await page.locator('.app-header').boundingBox())!.height;
      expect(height).toBeLessThan(60);
    });
  }

  for (const lang of ['en', 'zh-CN']) {
    test(`the header stays one row while a trace is shown, and the picker names the whole scenario (${lang})`, async ({
      page,
    }) => {
      await page.goto(`/#s=bad-guest-looped-chain&seed=1&lang=${lang}`);
      await expect(page.locator('.controls button.primary')).toBeEnabled();
      const picker = page.locator('.scenario-picker select');
      await expect(picker).toHaveAttribute(
        'title',
        lang === 'en' ? 'A misbehaving guest: a looped descriptor chain' : '行为异常的客户机：描述符链成环',
      );
      await page
        .locator('.header-controls input[type=file][multiple]')
        .setInputFiles(`${QEMU_SAMPLES}/trace-default.log`);
      await expect(page.locator('.imp-switch')).toHaveAttribute('data-showing', 'import');
      const tops = await page
        .locator('.app-header .header-controls > :is(label, button, details, div):visible')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
      expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(10);
      expect((await page.locator('.app-header').boundingBox())!.height).toBeLessThan(60);
    });
  }

  test('a question about the ring is asked with the ring’s slots in view', async ({ page }) => {
    await page.goto('/#s=single-read&seed=1&lesson=journey&stop=4&ask=1');
    await expect(page.getByText('Which slot?')).toBeVisible();
    const slots = page.locator('.vr-ring.vr-avail .vr-slots');
    await expect.poll(() => wholeInView(page, slots)).toBe(true);
    expect(await wholeInView(page, page.locator('.vr-ring.vr-avail .vr-index:has(> dd[aria-label="avail.idx"])'))).toBe(
      true,
    );
  });

  test('Presenter keeps what the lesson points at in view', async ({ page }) => {
    await page.goto('/#s=single-read&seed=1&lesson=journey&stop=8');
    await expect(page.getByTestId('lesson-text')).toContainText('virtqueue_flush');
    await page.getByRole('button', { name: 'used ring slots' }).click();
    const slots = page.locator('.vr-ring.vr-used .vr-slots');
    await expect.poll(() => wholeInView(page, slots)).toBe(true);
    await page.getByRole('button', { name: 'Presenter' }).click();
    await expect(page.getByRole('button', { name: 'Presenter' })).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => wholeInView(page, slots)).toBe(true);
  });

  test('Presenter without a lesson leaves the part of the page in view where it was', async ({ page }) => {
    await page.goto('/#s=single-read&seed=1');
    await expect(stepButton(page)).toBeEnabled();
    // The rings, well above the end of the page (which gets shorter: presenter mode leaves out the memory view).
    // The available ring: the first of the two, whatever way they are laid out.
    const ring = page.locator('.vr-ring.vr-avail');
    await page.evaluate(() => scrollTo(0, 400));
    const before = (await ring.boundingBox())!.y;
    // The button as a keyboard user reaches it, without scrolling to the header first.
    await page.getByRole('button', { name: 'Presenter' }).evaluate((b: HTMLButtonElement) => b.click());
    await expect(page.getByRole('button', { name: 'Presenter' })).toHaveAttribute('aria-pressed', 'true');
    await page.waitForTimeout(300);
    const scrolled = await page.evaluate(() => scrollY);
    expect(scrolled).toBeGreaterThan(0);
    const after = (await ring.boundingBox())!.y;
    expect(Math.abs(after - before)).toBeLessThan(40);
  });
});

test.describe('presenter at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('every field name stays inside its box', async ({ page }) => {
    await page.goto('/#s=single-read&seed=1&step=33&pres=1');
    await expect(page.getByLabel('current step', { exact: true })).toHaveText('33');
    const spill = await page.locator('.vr-index dt code, .vr-field dt code').evaluateAll((codes) =>
      codes.flatMap((c) => {
        const box = c.closest('.vr-index, .vr-field')!.getBoundingClientRect();
        return c.getBoundingClientRect().right > box.right + 0.5 ? [c.textContent] : [];
      }),
    );
    expect(spill).toEqual([]);
  });
});

test.describe('at 390x844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the descriptor table’s columns fit the width', async ({ page }) => {
    await page.goto('/#s=single-read&seed=1&step=12');
    await expect(page.getByLabel('current step', { exact: true })).toHaveText('12');
    const wrap = page.locator('.vr-desc-wrap').first();
    const [client, scroll] = await wrap.evaluate((el) => [el.clientWidth, el.scrollWidth]);
    expect(scroll).toBeLessThanOrEqual(client);
    const chain = (await page.locator('.vr-desc-table th').last().boundingBox())!;
    expect(chain.x + chain.width).toBeLessThanOrEqual(390);
  });

  test('Step, the step number and its sentence stay in view as the page scrolls; the pace folds under More', async ({
    page,
  }) => {
    await page.goto('/#s=single-read&seed=1&step=17');
    const current = page.getByLabel('current step', { exact: true });
    await expect(current).toHaveText('17');
    await expect(page.getByLabel('Speed')).toBeHidden();
    await page.mouse.wheel(0, 1500);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
    const step = page.getByRole('button', { name: 'Step', exact: true });
    await expect(step).toBeInViewport();
    await expect(current).toBeInViewport();
    await expect(page.getByTestId('now-line')).toBeInViewport();
    await step.click();
    await expect(current).toHaveText('18');
    await page.getByText('Speed, step by, run to… and breakpoints').click();
    await expect(page.getByLabel('Speed')).toBeVisible();
  });
});
