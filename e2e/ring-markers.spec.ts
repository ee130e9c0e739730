import { expect, test, type Locator, type Page } from '@playwright/test';

// A ring that wraps over several lines (queue size 1024, or 8 slots on a phone): each index's tag is drawn joined
// to the box of the slot it points at, the box's edge there in the tag's colour, and nearer that box than any
// box of another line.

interface Drawn {
  tag: string;
  slot: string;
  /** Gap between the tag and what it stands on: its own box, or the tag between it and the box (0: touching). */
  gap: number;
  joined: boolean;
  /** The tag's middle lies within its box's width. */
  over: boolean;
  /** Distance from the tag to the nearest box of another slot below or above it in the same column. */
  nearestOther: number;
  edgeColour: string;
  tagColour: string;
}

/** Every tag in the rings in view, measured as drawn. */
function measure(rings: Locator): Promise<Drawn[]> {
  return rings.evaluateAll((lists) => {
    const out: Drawn[] = [];
    for (const list of lists) {
      const items = [...list.querySelectorAll<HTMLElement>(':scope > li.vr-slot')];
      const boxes = items.map((li) => li.querySelector<HTMLElement>(':scope > .vr-slot-box')!.getBoundingClientRect());
      items.forEach((li, i) => {
        const box = boxes[i]!;
        for (const side of ['above', 'below'] as const) {
          const tags = [...li.querySelectorAll<HTMLElement>(`:scope > .vr-ptrs-${side} > .vr-ptr`)];
          tags.forEach((tag, k) => {
            const r = tag.getBoundingClientRect();
            const mid = (r.left + r.right) / 2;
            // Above, tags stack down onto the box (the last one touches it); below, they hang from it (the first).
            const next = side === 'above' ? tags[k + 1] : tags[k - 1];
            const on = next ? next.getBoundingClientRect() : box;
            const gap = side === 'above' ? on.top - r.bottom : r.top - on.bottom;
            const distance = (b: DOMRect) => Math.max(b.top - r.bottom, r.top - b.bottom, 0);
            const others = boxes.filter((b, j) => j !== i && b.left <= mid && mid <= b.right).map(distance);
            const joined = side === 'above' ? k === tags.length - 1 : k === 0;
            const style = getComputedStyle(li.querySelector(':scope > .vr-slot-box')!);
            out.push({
              tag: tag.querySelector('.vr-ptr-short')!.textContent!,
              slot: li.getAttribute('aria-label')!.replace(/:.*/, ''),
              gap,
              joined,
              over: box.left <= mid && mid <= box.right,
              nearestOther: Math.min(Infinity, ...others),
              edgeColour: joined ? (side === 'above' ? style.borderTopColor : style.borderBottomColor) : '',
              tagColour: joined ? getComputedStyle(tag).backgroundColor : '',
            });
          });
        }
      });
    }
    return out;
  });
}

async function expectUnambiguous(page: Page, expectTags: number): Promise<void> {
  const rings = page.locator('.vr-ring .vr-slots');
  await rings.first().scrollIntoViewIfNeeded();
  const drawn = await measure(rings);
  expect(drawn.length).toBeGreaterThanOrEqual(expectTags);
  for (const d of drawn) {
    const what = `${d.tag} on ${d.slot}`;
    expect(d.over, what).toBe(true);
    // Joined to its box (directly, or through the tags stacked between them) and clear of every other box.
    expect(d.gap, what).toBeGreaterThanOrEqual(-1);
    expect(d.gap, what).toBeLessThanOrEqual(d.joined ? 1 : 3);
    expect(d.nearestOther, what).toBeGreaterThan(4);
    if (d.joined) expect(d.edgeColour, what).toBe(d.tagColour);
  }
}

test.describe('ring markers', () => {
  test('queue size 1024 (set in the Queue size field), at 1280x720', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/#s=random-soak');
    await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
    const size = page.getByLabel('Queue size');
    await size.fill('1024');
    await size.press('Enter');
    await expect(page.getByText('mod 1024').first()).toBeVisible();
    await page.getByRole('button', { name: 'Run to next completion' }).click();
    await page.getByRole('button', { name: 'Run to next completion' }).click();
    await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
    await expectUnambiguous(page, 4);
  });

  for (const [name, hash] of [
    ['random-soak at 1024', '#s=random-soak&qs=1024&step=600'],
    ['single-read', '#s=single-read&step=30'],
  ] as const) {
    test(`${name} on a phone (390x844)`, async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(hash);
      await expect(page.getByLabel('current step', { exact: true })).toHaveText(/^\d+$/);
      await expectUnambiguous(page, 4);
    });
  }
});
