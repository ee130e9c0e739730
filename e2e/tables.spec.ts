import { expect, test, type Locator, type Page } from '@playwright/test';

// The descriptor and requests tables, measured in the browser: a descriptor panel that kept the height of the
// biggest table it had shown (its lane of arrows was sized by the box the lane itself stood in), and a requests
// table whose last columns were cut off at the panel's edge on a 1280 or 1366 px projector ("Statu").

/** The page is up: the step button is enabled (the run is loaded and at its step). */
async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.locator('.controls button.primary').first()).toBeEnabled();
}

/** Heights of the descriptor panel's parts: the panel, its box of rows, the table and the lane of arrows. */
const descHeights = (panel: Locator) =>
  panel.evaluate((section) => {
    const h = (sel: string) => section.querySelector(sel)!.getBoundingClientRect().height;
    const r = section.getBoundingClientRect();
    const wrap = section.querySelector('.vr-desc-wrap')!.getBoundingClientRect();
    return {
      panel: r.height,
      below: r.bottom - wrap.bottom,
      wrap: wrap.height,
      table: h('table.vr-desc-table'),
      lane: h('svg.vr-desc-lane'),
    };
  });

/** The panel fits its table: box, lane and table as tall as each other, the panel only its padding below. */
async function expectFitsTable(panel: Locator): Promise<void> {
  await expect
    .poll(async () => {
      const m = await descHeights(panel);
      return Math.max(Math.abs(m.wrap - m.table), Math.abs(m.lane - m.table), m.below > 24 ? m.below : 0);
    })
    .toBeLessThanOrEqual(2);
}

test.describe('the descriptor panel fits its current table', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('after switching from a 64-descriptor scenario to a 4-descriptor one', async ({ page }) => {
    await open(page, '#s=write-batch-event-idx&seed=1&pres=1');
    const panel = page.locator('section.vr-desc').first();
    await expect(panel.locator('tr[data-desc]')).toHaveCount(64);
    // Some chains in flight, so the lane has arrows to draw.
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
    await expect(page.locator('.vr-desc-lane path').first()).toBeAttached();
    await expectFitsTable(panel);
    const big = await descHeights(panel);

    await page.locator('.scenario-picker select').selectOption('index-wrap');
    await expect(panel.locator('tr[data-desc]')).toHaveCount(4);
    await expectFitsTable(panel);
    const small = await descHeights(panel);
    expect(small.panel).toBeLessThan(big.panel / 4);
    // The rings come right after it, not some 2,000 px further down.
    const ring = await page
      .locator('.vr-ring')
      .first()
      .evaluate((el) => el.getBoundingClientRect().top);
    expect(ring).toBeLessThan(2 * 768);
  });

  test('when the queue size changes in place, down and back up', async ({ page }) => {
    await open(page, '#s=write-batch-flags&seed=1');
    const panel = page.locator('section.vr-desc').first();
    const size = page.getByLabel('Queue size', { exact: true });
    for (const n of [64, 8, 32]) {
      await size.fill(String(n));
      await size.press('Enter');
      await expect(panel.locator('tr[data-desc]')).toHaveCount(n);
      await expectFitsTable(panel);
    }
  });
});

/** Where each heading of the requests table is, and the box its rows scroll in. */
const requestGeometry = (page: Page) =>
  page.locator('section.vr-requests').evaluate((section) => {
    const box = section.querySelector('[role="region"]')!;
    const b = box.getBoundingClientRect();
    const p = section.getBoundingClientRect();
    return {
      box: { left: b.left, right: b.right, clientWidth: box.clientWidth, scrollWidth: box.scrollWidth },
      panel: { left: p.left, right: p.right },
      cue: getComputedStyle(box).backgroundImage,
      heads: [...section.querySelectorAll('th')].map((th) => {
        const r = th.getBoundingClientRect();
        return {
          text: th.textContent ?? '',
          left: r.left,
          right: r.right,
          // Text wider than its cell would spill out (and be cut by the box).
          clipped: th.scrollWidth > th.clientWidth + 1,
        };
      }),
    };
  });

const HEADINGS = {
  en: ['Request', 'Type', 'Sector', 'Sectors', 'Head desc', 'Stage', 'Status', 'Latency'],
  'zh-CN': ['请求', '类型', '扇区', '扇区数', '链头描述符', '阶段', '状态', '延迟'],
} as const;

// A run with requests completed (a status and a latency) and others still in flight (the longer stage names).
const RUN = '#s=write-batch-flags&seed=1&step=460';

for (const lang of ['en', 'zh-CN'] as const) {
  for (const vp of [
    { width: 1366, height: 768 },
    { width: 1280, height: 720 },
  ]) {
    test.describe(`the requests table at ${vp.width}x${vp.height} (${lang})`, () => {
      test.use({ viewport: vp });

      test('shows every column whole inside its panel, without scrolling', async ({ page }) => {
        await open(page, `${RUN}&lang=${lang}`);
        const section = page.locator('section.vr-requests');
        await expect(section.getByTestId('request-row').first()).toBeVisible();
        await expect(section.locator('td', { hasText: /ticks|个时钟周期/ }).first()).toBeVisible();
        await section.scrollIntoViewIfNeeded();
        const g = await requestGeometry(page);
        expect(g.heads.map((h) => h.text)).toEqual(HEADINGS[lang]);
        expect(g.box.scrollWidth).toBeLessThanOrEqual(g.box.clientWidth + 1);
        for (const h of g.heads) {
          expect(h.clipped, h.text).toBe(false);
          expect(h.left, h.text).toBeGreaterThanOrEqual(g.box.left - 1);
          expect(h.right, h.text).toBeLessThanOrEqual(Math.min(g.box.right, g.panel.right) + 1);
        }
      });
    });
  }

  test.describe(`the requests table on a phone (${lang})`, () => {
    test.use({ viewport: { width: 390, height: 844 } });

    test('scrolls sideways in its box, with a shadow cue, to every whole column', async ({ page }) => {
      await open(page, `${RUN}&lang=${lang}`);
      const section = page.locator('section.vr-requests');
      await expect(section.getByTestId('request-row').first()).toBeVisible();
      await section.scrollIntoViewIfNeeded();
      const before = await requestGeometry(page);
      expect(before.heads.map((h) => h.text)).toEqual(HEADINGS[lang]);
      // The box stays inside the panel (the page itself does not scroll sideways).
      expect(before.box.right).toBeLessThanOrEqual(before.panel.right + 1);
      if (before.box.scrollWidth > before.box.clientWidth + 1) {
        // More columns to the right: the box says so with a shadow on that side.
        expect(before.cue).toContain('radial-gradient');
        await section.getByRole('region').evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      }
      await expect
        .poll(async () => {
          const g = await requestGeometry(page);
          const last = g.heads.at(-1)!;
          return last.right <= g.box.right + 1 && last.left >= g.box.left - 1;
        })
        .toBe(true);
      const after = await requestGeometry(page);
      for (const h of after.heads) expect(h.clipped, h.text).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    });
  });
}
