import { expect, test, type Locator, type Page } from '@playwright/test';

// Layout defects earlier reviews left, each measured in the browser: a 64-slot ring (some 900 px of slots) that a
// 1280x720 projector could not show whole; a phone whose descriptor table lost its chain column past the panel's
// edge and whose lesson stops left the index box under the sticky controls; field names broken mid-word in
// presenter type; two neighbouring highlighted rows whose outlines crossed.

const LANGS = ['en', 'zh-CN'] as const;

/** The page is up: the step button is enabled (the run is loaded and at its step). */
async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.locator('.controls button.primary').first()).toBeEnabled();
}

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const rect = (el: Locator): Promise<Box> =>
  el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  });

/** The part of the window neither the sticky controls nor a lesson's panel covers. */
const freeArea = (page: Page): Promise<{ top: number; bottom: number }> =>
  page.evaluate(() => {
    const bar = document.querySelector('.controls')!;
    const top = getComputedStyle(bar).position === 'sticky' ? bar.getBoundingClientRect().bottom : 0;
    const bottom = document.querySelector('.lesson-player')?.getBoundingClientRect().top ?? innerHeight;
    return { top, bottom };
  });

/** Whether the element is wholly inside the free part of the window (a pixel of rounding either way). */
async function wholeInFreeArea(page: Page, el: Locator): Promise<boolean> {
  const [r, free] = await Promise.all([rect(el), freeArea(page)]);
  return r.top >= free.top - 1 && r.bottom <= free.bottom + 1;
}

test.describe('a 64-slot ring at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  for (const lang of LANGS) {
    test(`scrolls in a box of at most 40 % of the window that keeps the newest entry in view (${lang})`, async ({
      page,
    }) => {
      await open(page, `#s=write-batch-event-idx&seed=1&step=500&lang=${lang}`);
      for (const ring of ['avail', 'used'] as const) {
        const slots = page.locator(`.vr-ring.vr-${ring} .vr-slots`);
        expect(await slots.evaluate((el) => el.childElementCount)).toBe(64);
        const box = await rect(slots);
        expect(box.bottom - box.top, ring).toBeLessThanOrEqual(0.4 * 720 + 1);
        expect(await slots.evaluate((el) => el.scrollHeight > el.clientHeight + 1), ring).toBe(true);
        // Scrollable, so the keyboard can reach it.
        expect(await slots.getAttribute('tabindex'), ring).toBe('0');
        // The entry just published (the index's slot minus one) is inside the box's visible part.
        const idx = Number(await page.getByLabel(`${ring}.idx`, { exact: true }).textContent());
        expect(idx, ring).toBeGreaterThan(8);
        const newest = await rect(slots.locator(`:scope > li:nth-child(${((idx - 1) % 64) + 1})`));
        expect(newest.top, ring).toBeGreaterThanOrEqual(box.top - 1);
        expect(newest.bottom, ring).toBeLessThanOrEqual(box.bottom + 1);
      }
    });
  }

  test('a 16-slot ring is not boxed', async ({ page }) => {
    await open(page, '#s=two-queues-one-iothread&seed=1&step=40');
    const slots = page.locator('.vr-ring.vr-avail .vr-slots').first();
    expect(await slots.evaluate((el) => el.classList.contains('vr-slots-scroll'))).toBe(false);
    expect(await slots.getAttribute('tabindex')).toBeNull();
  });

  test('a lesson stop on a slot inside the box shows it, in the box and above the lesson panel', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await open(page, '#lesson=chains&stop=6&pres=1');
    await expect(page.getByTestId('lesson-text')).toBeVisible();
    const slots = page.locator('.vr-ring.vr-used .vr-slots');
    const slot = slots.locator(':scope > li:nth-child(1)');
    await expect.poll(() => wholeInFreeArea(page, slot)).toBe(true);
    const [box, r] = await Promise.all([rect(slots), rect(slot)]);
    expect(box.bottom - box.top).toBeLessThanOrEqual(0.4 * 720 + 1);
    expect(r.top).toBeGreaterThanOrEqual(box.top - 1);
    expect(r.bottom).toBeLessThanOrEqual(box.bottom + 1);
    // The outline is drawn, inside the slot (the box would clip one drawn outside it).
    const outline = await slot.evaluate((el) => {
      const cs = getComputedStyle(el);
      return { style: cs.outlineStyle, offset: parseFloat(cs.outlineOffset), width: parseFloat(cs.outlineWidth) };
    });
    expect(outline.style).toBe('solid');
    expect(outline.offset + outline.width).toBeLessThanOrEqual(0);
  });
});

test.describe('a phone (390x844)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  for (const lang of LANGS) {
    test(`the descriptor table's chain column stays inside the panel (${lang})`, async ({ page }) => {
      // A small table with an indirect one inside, and a big (virtual) one with two-digit requests.
      for (const hash of ['#s=indirect&seed=1&step=30', '#s=random-soak&seed=1&step=300']) {
        await open(page, `${hash}&lang=${lang}`);
        const wrap = page.locator('.vr-desc-wrap').first();
        await expect(wrap.locator('.vr-req-tag').first()).toBeVisible();
        const fit = await wrap.evaluate((el) => {
          const edge = el.getBoundingClientRect().left + el.clientLeft + el.clientWidth;
          let right = 0;
          for (const cell of el.querySelectorAll('tr[data-desc] > td:last-child, tr[data-desc] .vr-req-tag'))
            right = Math.max(right, cell.getBoundingClientRect().right);
          return { edge, right, scrolls: el.scrollWidth > el.clientWidth };
        });
        expect(fit.right, hash).toBeLessThanOrEqual(fit.edge + 0.5);
        expect(fit.right, hash).toBeLessThanOrEqual(390);
        expect(fit.scrolls, hash).toBe(false);
      }
    });
  }

  // Each of these stops points at a ring's slots and its published index: both must be seen, clear of the controls.
  const STOPS = [
    { hash: '#lesson=journey&stop=4', ring: 'avail' },
    { hash: '#lesson=journey&stop=8', ring: 'used' },
    { hash: '#lesson=chains&stop=5', ring: 'used' },
  ] as const;
  for (const lang of LANGS)
    for (const { hash, ring } of STOPS) {
      test(`${hash}: the ${ring}.idx box and the slots are both in view, not under the controls (${lang})`, async ({
        page,
      }) => {
        await page.emulateMedia({ reducedMotion: 'reduce' });
        await open(page, `${hash}&lang=${lang}`);
        await expect(page.getByTestId('lesson-text')).toBeVisible();
        const index = page.locator(`.vr-index:has(> dd[aria-label="${ring}.idx"])`);
        const slots = page.locator(`.vr-ring.vr-${ring} .vr-slots`);
        await expect.poll(() => wholeInFreeArea(page, slots)).toBe(true);
        await expect.poll(() => wholeInFreeArea(page, index)).toBe(true);
      });
    }

  test('what the browser scrolls into view stops below the sticky controls', async ({ page }) => {
    await open(page, '#s=single-read&seed=1&step=20');
    await page.evaluate(() => scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' }));
    const table = page.locator('.vr-desc-wrap').first();
    await table.evaluate((el) => el.scrollIntoView({ behavior: 'instant' }));
    const [r, free] = await Promise.all([rect(table), freeArea(page)]);
    expect(r.top).toBeGreaterThanOrEqual(free.top - 1);
  });
});

test.describe('presenter at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  for (const lang of LANGS) {
    test(`field names wrap only after a '.' or '_' (${lang})`, async ({ page }) => {
      await open(page, `#s=single-read&seed=1&step=20&pres=1&lang=${lang}`);
      const names = await page.locator('.vr-index dt code, .vr-field dt code').evaluateAll((els) =>
        els.map((code) => {
          // Each character's line (its top); a wrap is where the next character starts lower.
          const chars: { ch: string; top: number }[] = [];
          for (const node of code.childNodes) {
            if (node.nodeType !== Node.TEXT_NODE) continue;
            const text = node.textContent ?? '';
            for (let i = 0; i < text.length; i++) {
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              chars.push({ ch: text[i]!, top: range.getBoundingClientRect().top });
            }
          }
          const breaksAfter = chars.flatMap((c, i) =>
            i + 1 < chars.length && chars[i + 1]!.top > c.top + 2 ? [i] : [],
          );
          return { name: code.textContent ?? '', after: breaksAfter.map((i) => chars[i]!.ch) };
        }),
      );
      expect(names.length).toBeGreaterThan(10);
      // Some names do wrap in presenter type (the rings are narrow): the test sees a wrap when there is one.
      expect(names.some((n) => n.after.length > 0)).toBe(true);
      for (const n of names) for (const ch of n.after) expect(['.', '_'], n.name).toContain(ch);
    });
  }
});

test.describe('neighbouring highlights at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('three highlighted descriptor rows draw three outlines that do not cross', async ({ page }) => {
    await open(page, '#lesson=chains&stop=2');
    const rows = page.locator('.vr-desc tr[data-desc]');
    await expect.poll(() => rows.nth(1).evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    const drawn = await rows.evaluateAll((els) =>
      els.flatMap((el) => {
        const cs = getComputedStyle(el);
        if (cs.outlineStyle === 'none') return [];
        // The outline's outer edge: the border box grown by the offset plus the width.
        const grow = parseFloat(cs.outlineOffset) + parseFloat(cs.outlineWidth);
        const r = el.getBoundingClientRect();
        return [{ top: r.top - grow, bottom: r.bottom + grow }];
      }),
    );
    expect(drawn).toHaveLength(3);
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]!.top).toBeGreaterThanOrEqual(drawn[i - 1]!.bottom - 0.5);
  });
});
