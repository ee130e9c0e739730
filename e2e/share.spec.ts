import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Download, type FrameLocator, type Page } from '@playwright/test';
import { deflateToBase64Url } from '../src/engine/share/compress';
import { engineAfter } from './engineExpect';

type Scope = Page | FrameLocator;

const currentStep = (p: Scope) => p.getByLabel('current step', { exact: true });
const value = (p: Scope, name: string) => p.getByLabel(name, { exact: true });

/** What the page shows of the queue: the numbers a shared state must reproduce. */
async function shownState(page: Page) {
  const text = async (name: string) => (await value(page, name).textContent())?.trim();
  return {
    step: await currentStep(page).textContent(),
    availIdx: await text('avail.idx'),
    usedIdx: await text('used.idx'),
    numFree: await text('num_free'),
    lastAvailIdx: await text('last_avail_idx'),
    desc: await page
      .getByTestId('desc-row')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()))),
    now: await page.getByTestId('now-line').textContent(),
  };
}

async function openLink(page: Page, hash: string, step: number): Promise<void> {
  await page.goto(`/#${hash}`);
  await expect(currentStep(page)).toHaveText(String(step));
}

const shareButton = (page: Page) => page.getByRole('button', { name: 'Share, export and import' });

async function shareAction(page: Page, name: string): Promise<void> {
  await shareButton(page).click();
  await page.getByRole('button', { name, exact: true }).click();
}

async function downloaded(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFileSync(path);
}

test.describe('sharing', () => {
  test('a link opens the exact step, the address follows the page, and the link reopens it', async ({
    page,
    context,
  }) => {
    await openLink(page, 's=single-read&seed=1&step=23', 23);
    const want = engineAfter('single-read', 1, 23);
    await expect(value(page, 'avail.idx')).toHaveText(String(want.availIdx));
    await expect(value(page, 'used.idx')).toHaveText(String(want.usedIdx));
    await expect(value(page, 'num_free')).toHaveText(String(want.numFree));
    await expect(page.getByTestId('now-line')).toContainText(want.fn!);

    // Moving on rewrites the address (replaceState: no new history entries).
    const entries = await page.evaluate(() => history.length);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await page.getByLabel('Step by').selectOption('function');
    await expect(page).toHaveURL(/#s=single-read&seed=1&step=25&g=function$/);
    expect(await page.evaluate(() => history.length)).toBe(entries);
    const before = await shownState(page);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await shareAction(page, 'Copy link');
    await expect(page.getByTestId('share-notice')).toContainText('Link copied');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());

    const other = await context.newPage();
    await other.goto(link);
    await expect(currentStep(other)).toHaveText('25');
    await expect(other.getByLabel('Step by')).toHaveValue('function');
    expect(await shownState(other)).toEqual(before);
  });

  test('an edited scenario travels inside the link', async ({ page }) => {
    const doc = JSON.parse(readFileSync('src/engine/scenario/builtin/single-read.json', 'utf8'));
    const edited = { ...doc, name: 'class-demo', title: 'Shared by a teacher', queue: { size: 4 } };
    await openLink(page, `z=${await deflateToBase64Url(JSON.stringify(edited))}&seed=1&step=12`, 12);
    await expect(page.getByLabel('Scenario').locator('option:checked')).toHaveText('Shared by a teacher');
    await expect(page.getByTestId('desc-row')).toHaveCount(4);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page).toHaveURL(/#z=[A-Za-z0-9_-]+&seed=1&step=13$/);
    const again = await page.context().newPage();
    await again.goto(page.url());
    await expect(currentStep(again)).toHaveText('13');
    expect(await shownState(again)).toEqual(await shownState(page));
  });

  test('a malformed link is named and leaves the page as it was', async ({ page }) => {
    // On first load: the default scenario, and the parameter named.
    await page.goto('/#s=no-such-scenario&seed=1&step=4');
    await expect(page.getByRole('alert').filter({ hasText: 'cannot be opened' })).toContainText(
      's: “no-such-scenario” is not a built-in scenario',
    );
    await expect(currentStep(page)).toHaveText('0');
    await expect(page.getByLabel('Scenario')).toHaveValue('single-read');
    await page.getByRole('button', { name: 'Dismiss' }).click();

    // Later: a link pasted into the address bar that cannot be opened changes nothing.
    await openLink(page, 's=single-read&seed=1&step=9', 9);
    const before = await shownState(page);
    for (const [hash, problem] of [
      ['s=single-read&seed=1&step=99999', /step: step 99999 is past the end of the run \(it ends at step \d+\)/],
      ['s=single-read&seed=abc&step=3', /seed: “abc” is not a whole number/],
      ['z=AAAAbroken&seed=1', /z: the compressed scenario is damaged/],
    ] as const) {
      await page.evaluate((h) => (location.hash = h), hash);
      const alert = page.getByTestId('share-notice');
      await expect(alert).toContainText(problem);
      await expect(alert).toHaveAttribute('role', 'alert');
      expect(await shownState(page)).toEqual(before);
      await expect(page).toHaveURL(/#s=single-read&seed=1&step=9$/);
      await alert.getByRole('button', { name: 'Dismiss' }).click();
    }
    // A good link pasted later opens like a fresh one.
    await page.evaluate(() => (location.hash = 's=single-read&seed=1&step=11'));
    await expect(currentStep(page)).toHaveText('11');
    await expect(page.getByTestId('share-notice')).toHaveCount(0);
  });

  test('export then import gives the same state; a bad file is named and changes nothing', async ({ page }) => {
    await openLink(page, 's=out-of-order&seed=3&step=70&qs=16', 70);
    const before = await shownState(page);
    const [download] = await Promise.all([page.waitForEvent('download'), shareAction(page, 'Export run')]);
    expect(download.suggestedFilename()).toBe('out-of-order-seed3-step70.virtio-run.json');
    const file = JSON.parse((await downloaded(download)).toString('utf8'));
    expect(file).toMatchObject({ format: 'virtio-visualizer-run', version: 1, seed: 3, step: 70 });
    expect(file.log).toHaveLength(70);

    // Somewhere else entirely, then import.
    await openLink(page, 's=single-read&seed=1&step=5', 5);
    const input = page.getByTestId('import-run-file');
    await input.setInputFiles({
      name: 'run.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file)),
    });
    await expect(page.getByTestId('share-notice')).toContainText('Run imported: step 70');
    expect(await shownState(page)).toEqual(before);
    await expect(page.getByLabel('Queue size')).toHaveValue('16');
    await expect(page).toHaveURL(/#s=out-of-order&seed=3&step=70&qs=16$/);

    // A file whose log disagrees with the replay, and one that is not JSON: named, nothing changes.
    await openLink(page, 's=single-read&seed=1&step=12', 12);
    const untouched = await shownState(page);
    const tampered = structuredClone(file);
    tampered.log[40].fn = 'virtqueue_get_buf_ctx_split_oops';
    for (const [body, problem] of [
      // log[40] is the step that leads to Step 41: the message names the step as the viewer numbers it.
      [
        JSON.stringify(tampered),
        /log\.40\.fn: step 41 \(log\[40\]\): the file says "virtqueue_get_buf_ctx_split_oops"/,
      ],
      ['{"format": "virtio-visualizer-run", "version": 1, "seed": "x"', /\(root\): not valid JSON/],
      [
        JSON.stringify({ ...file, scenario: { ...file.scenario, queue: { size: 12 } } }),
        /scenario\.queue\.size: must be a power of 2/,
      ],
    ] as const) {
      await input.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(body) });
      const alert = page.getByRole('alert').filter({ hasText: 'cannot be imported' });
      await expect(alert).toContainText(problem);
      expect(await shownState(page)).toEqual(untouched);
      await alert.getByRole('button', { name: 'Dismiss' }).click();
    }
  });

  test('a link, an export and an import deep into a long run replay off the page, showing progress', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const step = 60_000;
    await page.goto(`/#s=random-soak&seed=1&step=${step}`);
    // The check replays 60,000 steps in a worker: the page paints meanwhile, and says it is working.
    await expect(shareButton(page)).toHaveText(/^Working…/, { timeout: 20_000 });
    await expect(currentStep(page)).toHaveText(String(step), { timeout: 60_000 });
    await expect(shareButton(page)).toHaveText('Share');

    const [download] = await Promise.all([page.waitForEvent('download'), shareAction(page, 'Export run')]);
    const file = JSON.parse((await downloaded(download)).toString('utf8'));
    expect(file).toMatchObject({ seed: 1, step });
    expect(file.log).toHaveLength(step);

    await openLink(page, 's=single-read&seed=1&step=3', 3);
    const input = page.getByTestId('import-run-file');
    const tampered = structuredClone(file);
    tampered.log[59_000].kind = tampered.log[59_000].kind === 'write' ? 'barrier' : 'write';
    await input.setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tampered)),
    });
    const alert = page.getByRole('alert').filter({ hasText: 'cannot be imported' });
    await expect(alert).toContainText('log.59000.kind', { timeout: 60_000 });
    await expect(currentStep(page)).toHaveText('3');
    await alert.getByRole('button', { name: 'Dismiss' }).click();

    await input.setInputFiles({
      name: 'run.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file)),
    });
    await expect(page.getByTestId('share-notice')).toContainText(`Run imported: step ${step}`, { timeout: 60_000 });
    await expect(currentStep(page)).toHaveText(String(step));
  });

  test('the diagram exports as SVG and as PNG', async ({ page }) => {
    await openLink(page, 's=single-read&seed=1&step=17', 17);
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), shareAction(page, 'Export SVG')]);
    expect(svgDownload.suggestedFilename()).toBe('single-read-vq0-step17.svg');
    const svg = (await downloaded(svgDownload)).toString('utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('data-field="avail.idx" data-value="1"');
    expect(svg).toContain('virtqueue_add_split');

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), shareAction(page, 'Export PNG')]);
    expect(pngDownload.suggestedFilename()).toBe('single-read-vq0-step17.png');
    const png = await downloaded(pngDownload);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // 2x: the width in the IHDR chunk is twice the SVG's 1280.
    expect(png.readUInt32BE(16)).toBe(2560);
    expect(png.length).toBeGreaterThan(20_000);
  });
});

test.describe('embedding', () => {
  test('embed mode shows the diagram and playback controls only, within its step range', async ({ page }) => {
    await page.goto('/?embed=1#s=single-read&seed=1&step=3&from=2&to=5');
    await expect(currentStep(page)).toHaveText('3');
    await expect(page.getByRole('banner')).toHaveCount(0);
    await expect(page.getByLabel('Scenario')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Free-run' })).toHaveCount(0);
    await expect(value(page, 'avail.idx')).toBeVisible();
    const step = page.getByRole('button', { name: 'Step', exact: true });
    await step.click();
    await step.click();
    await expect(currentStep(page)).toHaveText('5');
    await expect(step).toBeDisabled();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expect(currentStep(page)).toHaveText('2');
    await expect(page.getByRole('button', { name: 'Back', exact: true })).toBeDisabled();
    await page.keyboard.press('ArrowRight');
    await expect(currentStep(page)).toHaveText('3');
    await page.keyboard.press('ArrowLeft');
    await expect(currentStep(page)).toHaveText('2');
    await expect(page.getByRole('link', { name: 'Open in the visualizer' })).toHaveAttribute(
      'href',
      /#s=single-read&seed=1&step=2$/,
    );
  });

  test('autoplay loops over the range', async ({ page }) => {
    await page.goto('/#s=single-read&seed=1&sp=6&embed=1&from=1&to=4&autoplay=1&loop=1');
    await expect(currentStep(page)).not.toHaveText('');
    // Every value the step counter takes, recorded in the page (playback is faster than polling).
    await page.getByLabel('current step', { exact: true }).evaluate((el) => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    const seen = () => page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    // 4 then 1 again: it went round.
    await expect.poll(async () => (await seen()).join(',')).toMatch(/4,1(,|$)/);
    await page.getByRole('button', { name: 'Pause' }).click();
    expect((await seen()).every((s) => Number(s) >= 1 && Number(s) <= 4)).toBe(true);
  });

  /** A page on another origin (another port) with an iframe of the embed; `headers` are what that page sends. */
  async function hostPage(baseURL: string, headers: Record<string, string>, allow = ''): Promise<Server> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
      res.end(
        `<!doctype html><title>blog</title><h1>A post</h1><iframe title="virtio" width="1000" height="700" ${allow} src="${baseURL}/?embed=1#s=single-read&seed=1&step=16"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  async function checkFrame(page: Page, server: Server, isolated: boolean): Promise<void> {
    try {
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://localhost:${port}/`);
      const frame = page.frameLocator('iframe[title="virtio"]');
      await expect(currentStep(frame)).toHaveText('16');
      await frame.getByRole('button', { name: 'Step', exact: true }).click();
      await expect(currentStep(frame)).toHaveText('17');
      await expect(value(frame, 'avail.idx')).toHaveText('1');
      const inner = page.frames().find((f) => f !== page.mainFrame())!;
      expect(await inner.evaluate(() => globalThis.crossOriginIsolated)).toBe(isolated);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  test('inside an iframe on a site without isolation, the embed runs on the page thread', async ({ page, baseURL }) => {
    await checkFrame(page, await hostPage(baseURL!, {}), false);
  });

  test('inside an iframe on an isolated site that allows it, the embed is isolated (workers)', async ({
    page,
    baseURL,
  }) => {
    const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    await checkFrame(page, await hostPage(baseURL!, isolation, 'allow="cross-origin-isolated"'), true);
  });
});
