import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { Session } from '../src/engine/session';
import { validateScenario } from '../src/engine/scenario/validate';
import { describe as describeMachine, type MachineView } from '../src/engine/view';
import type { StepRecord } from '../src/engine/step';

/** The engine's own view after n steps of a built-in scenario: what the components must show. */
function engineAt(name: string, n: number): { view: MachineView; current: StepRecord | null } {
  const url = new URL(`../src/engine/scenario/builtin/${name}.json`, import.meta.url);
  const parsed = validateScenario(JSON.parse(readFileSync(url, 'utf8')));
  if (!parsed.ok) throw new Error(`${name} is not a valid scenario`);
  const s = new Session(parsed.scenario, 1);
  for (let i = 0; i < n; i++) s.stepOnce();
  return { view: describeMachine(s.machine), current: s.current };
}

const value = (page: Page, name: string) => page.getByLabel(name, { exact: true });
const currentStep = (page: Page) => page.getByLabel('current step', { exact: true });

async function open(page: Page, scenario: string): Promise<void> {
  await page.goto(`/?scenario=${scenario}&seed=1`);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

/** Jumps with the timeline's scrubber, the way a user drags it. */
async function jump(page: Page, step: number): Promise<void> {
  await page.getByRole('slider', { name: 'Timeline' }).fill(String(step));
  await expect(currentStep(page)).toHaveText(String(step));
}

test.describe('ring and memory components in the app', () => {
  test('the descriptor table has one row per descriptor, for any queue size', async ({ page }) => {
    for (const name of ['single-read', 'out-of-order']) {
      await open(page, name);
      const { view } = engineAt(name, 0);
      await expect(page.getByTestId('desc-row')).toHaveCount(view.queues[0]!.size);
    }
  });

  test('the rings and both sides show what the engine holds, index by index', async ({ page }) => {
    await open(page, 'single-read');
    await page.getByRole('button', { name: 'Run to the end' }).click();
    const end = Number(await currentStep(page).textContent());
    for (const n of [17, Math.floor(end * 0.7), end]) {
      await jump(page, n);
      const q = engineAt('single-read', n).view.queues[0]!;
      await expect(value(page, 'avail.idx')).toHaveText(String(q.avail.idx));
      await expect(value(page, 'used.idx')).toHaveText(String(q.used.idx));
      await expect(value(page, 'used_event')).toHaveText(String(q.avail.used_event));
      await expect(value(page, 'avail_event')).toHaveText(String(q.used.avail_event));
      await expect(value(page, 'num_free')).toHaveText(String(q.driver.num_free));
      await expect(value(page, 'free_head')).toHaveText(String(q.driver.free_head));
      await expect(value(page, 'avail_idx_shadow')).toHaveText(String(q.driver.avail_idx_shadow));
      await expect(value(page, 'last_used_idx')).toHaveText(String(q.driver.last_used_idx));
      await expect(value(page, 'last_avail_idx')).toHaveText(String(q.device!.last_avail_idx));
      await expect(value(page, 'used_idx')).toHaveText(String(q.device!.used_idx));
      await expect(value(page, 'inuse')).toHaveText(String(q.device!.inuse));
      const slot = q.avail.idx % q.size;
      await expect(page.getByText(`${q.avail.idx} mod ${q.size} = slot ${slot}`).first()).toBeVisible();
    }
  });

  test('indirect tables hang off their descriptors', async ({ page }) => {
    await open(page, 'indirect');
    await page.getByRole('button', { name: 'Run to next kick' }).click();
    const n = Number(await currentStep(page).textContent());
    const chains = engineAt('indirect', n).view.queues[0]!.chains.filter((c) => c.indirect);
    expect(chains.length).toBeGreaterThan(0);
    await expect(page.getByTestId('indirect-table')).toHaveCount(chains.length);
  });

  test('the memory view highlights exactly the bytes the step wrote', async ({ page }) => {
    await open(page, 'single-read');
    await page.getByRole('button', { name: 'Run to the end' }).click();
    await jump(page, 17);
    const { current } = engineAt('single-read', 17);
    const written = (current?.writes ?? []).reduce((n, w) => n + w.new.length / 2, 0);
    expect(written).toBeGreaterThan(0);
    await expect(page.locator('.vr-mem-bytes .vr-changed')).toHaveCount(written);
    await expect(page.getByRole('combobox', { name: 'Region' })).toBeVisible();
  });

  test('the timeline scrubber and a click on the axis both jump', async ({ page }) => {
    await open(page, 'single-read');
    await page.getByRole('button', { name: 'Run to the end' }).click();
    const end = Number(await currentStep(page).textContent());
    const scrubber = page.getByRole('slider', { name: 'Timeline' });
    await expect(scrubber).toHaveAttribute('max', String(end));
    await jump(page, 5);
    const axis = page.getByTestId('timeline-axis');
    const box = (await axis.boundingBox())!;
    await axis.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await expect.poll(async () => Number(await currentStep(page).textContent())).toBeGreaterThan(end / 4);
    expect(Number(await currentStep(page).textContent())).toBeLessThan((3 * end) / 4);
  });

  test('with reduced motion, a kick is shown standing still', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await open(page, 'single-read');
    await page.getByRole('button', { name: 'Run to next kick' }).click();
    const token = page.getByTestId('kick-animation');
    await expect(token).toBeVisible();
    expect(await token.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
  });

  test('without reduced motion, the kick travels', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await open(page, 'single-read');
    await page.getByRole('button', { name: 'Run to next kick' }).click();
    const token = page.getByTestId('kick-animation');
    await expect(token).toBeVisible();
    expect(await token.evaluate((el) => getComputedStyle(el).animationName)).toBe('vr-travel-right');
  });
});
