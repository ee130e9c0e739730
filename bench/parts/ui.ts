import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { appServer, stopAppServer } from '../lib/app';
import { newContext, newPage } from '../lib/browser';
import { log } from '../lib/env';
import type { Metric } from '../lib/metrics';
import { median, summarize } from '../lib/stats';
import type { Part } from './types';

/** The heaviest built-in: four queues, random reads and writes completing in random order. */
const SCENARIO = 'random-soak';
const STEP_SAMPLES = Number(process.env.BENCH_STEP_SAMPLES ?? 60);
const FPS_SECONDS = Number(process.env.BENCH_FPS_SECONDS ?? 6);
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const FRAME_MS = 16.7;
const VIEWPORT = { width: 1280, height: 720 };

const round = (x: number) => Math.round(x * 100) / 100;

async function openApp(page: Page, queueSize: number): Promise<void> {
  const { url } = await appServer();
  await page.goto(`${url}/?scenario=${SCENARIO}&seed=1`);
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('the app is not cross-origin isolated');
  await page.getByRole('button', { name: 'Step', exact: true }).waitFor();
  // The UI's own queue-size control: type the size, commit with Enter, wait for the reloaded run at step 0.
  const field = page.getByLabel('Queue size', { exact: true });
  await field.fill(String(queueSize));
  await field.press('Enter');
  await page
    .getByLabel('num_free', { exact: true })
    .first()
    .filter({ hasText: new RegExp(`^${queueSize}$`) })
    .waitFor();
  await page.getByLabel('current step', { exact: true }).filter({ hasText: /^0$/ }).waitFor();
  // Keys go to the page, not to the number field (which keeps arrows for itself).
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(500);
}

/**
 * In the page: from the keydown's timestamp to the end of the frame that shows the new step number. The step counter
 * changing (a DOM mutation) marks the commit; the frame is the next requestAnimationFrame, and a message posted
 * from that callback arrives once the frame's style, layout and paint are done, so that is where the clock stops.
 */
function installStepProbe(): void {
  type Probe = { samples: { toCommit: number; toFrame: number; toPainted: number }[]; pending: number | null };
  const w = window as unknown as { __stepProbe: Probe };
  const probe: Probe = { samples: [], pending: null };
  w.__stepProbe = probe;
  let committed = false;
  addEventListener(
    'keydown',
    (e) => {
      if (e.key !== 'ArrowRight') return;
      probe.pending = e.timeStamp;
      committed = false;
    },
    true,
  );
  const counter = document.querySelector('.step-count');
  if (!counter) throw new Error('no step counter on the page');
  new MutationObserver(() => {
    const t0 = probe.pending;
    if (t0 === null || committed) return;
    committed = true;
    const toCommit = performance.now() - t0;
    requestAnimationFrame(() => {
      const toFrame = performance.now() - t0;
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        probe.samples.push({ toCommit, toFrame, toPainted: performance.now() - t0 });
        probe.pending = null;
      };
      channel.port2.postMessage(0);
    });
  }).observe(counter, { childList: true, characterData: true, subtree: true });
}

async function stepLatency(queueSize: number) {
  const page = await newPage({ viewport: VIEWPORT });
  try {
    await openApp(page, queueSize);
    await page.evaluate(installStepProbe);
    for (let i = 0; i < STEP_SAMPLES; i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(
        (n) => (window as unknown as { __stepProbe: { samples: unknown[] } }).__stepProbe.samples.length > n,
        i,
        { polling: 5, timeout: 10_000 },
      );
      // A pause like a person's between presses, so one step's work never queues behind the last.
      await page.waitForTimeout(40 + (i % 5) * 10);
    }
    const samples = await page.evaluate(
      () =>
        (window as unknown as { __stepProbe: { samples: { toCommit: number; toFrame: number; toPainted: number }[] } })
          .__stepProbe.samples,
    );
    const step = Number(await page.getByLabel('current step', { exact: true }).textContent());
    if (step !== STEP_SAMPLES) throw new Error(`pressed Step ${STEP_SAMPLES} times, the page shows step ${step}`);
    return samples;
  } finally {
    await page.close();
  }
}

export const stepPart: Part = {
  name: 'step',
  about: `step latency in Chromium: key press to the frame showing it, ${SCENARIO} at queue size 256 and 1024 (${STEP_SAMPLES} steps each)`,
  async run() {
    const metrics: Metric[] = [];
    const details: Record<string, unknown> = { scenario: SCENARIO, viewport: VIEWPORT, samplesPerSize: STEP_SAMPLES };
    for (const size of [256, 1024]) {
      const samples = await stepLatency(size);
      const painted = summarize(samples.map((s) => s.toPainted));
      log(`step: queue size ${size}: median ${painted.median.toFixed(1)} ms, p95 ${painted.p95.toFixed(1)} ms`);
      const target = { op: '<=' as const, value: FRAME_MS };
      if (size === 256) {
        metrics.push(
          { key: 'step.median_ms', value: round(painted.median), unit: 'ms', target, note: 'queue size 256' },
          { key: 'step.p95_ms', value: round(painted.p95), unit: 'ms', note: 'queue size 256' },
        );
      }
      metrics.push(
        { key: `step.q${size}.median_ms`, value: round(painted.median), unit: 'ms', target },
        { key: `step.q${size}.p95_ms`, value: round(painted.p95), unit: 'ms' },
      );
      details[`q${size}`] = {
        toPainted: painted,
        toFrame: summarize(samples.map((s) => s.toFrame)),
        toCommit: summarize(samples.map((s) => s.toCommit)),
        samples: samples.map((s) => ({
          toCommit: round(s.toCommit),
          toFrame: round(s.toFrame),
          toPainted: round(s.toPainted),
        })),
      };
    }
    return { metrics, details };
  },
};

/**
 * In the page: counts animation frames while the Free-run button says "Stop free-run". Only intervals whose both
 * ends fall inside a free-run count, so the reload between two free-runs is not in the figure.
 */
async function countFrames(page: Page, seconds: number): Promise<{ intervals: number[]; runs: number }> {
  const intervals: number[] = [];
  let runs = 0;
  const deadline = Date.now() + seconds * 1000 * 6;
  while (intervals.reduce((a, b) => a + b, 0) < seconds * 1000) {
    if (Date.now() > deadline) throw new Error('free-run never lasted long enough to count frames');
    runs++;
    await page.getByRole('button', { name: 'Free-run', exact: true }).click();
    await page.getByRole('button', { name: 'Stop free-run', exact: true }).waitFor();
    const want = seconds * 1000 - intervals.reduce((a, b) => a + b, 0);
    const got = await page.evaluate(
      (ms) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          const running = () =>
            [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Stop free-run');
          let last: number | null = null;
          let total = 0;
          const tick = (now: number) => {
            if (!running()) return resolve(out);
            if (last !== null) {
              out.push(now - last);
              total += now - last;
            }
            last = now;
            if (total >= ms) return resolve(out);
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        }),
      want,
    );
    intervals.push(...got);
    // Stop it (or, if the run finished, start again from a fresh load).
    const stop = page.getByRole('button', { name: 'Stop free-run', exact: true });
    if (await stop.isVisible()) await stop.click();
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.getByLabel('current step', { exact: true }).filter({ hasText: /^0$/ }).waitFor();
    await page.waitForTimeout(300);
  }
  return { intervals, runs };
}

export const fpsPart: Part = {
  name: 'fps',
  about: `frames per second in Chromium while free-running ${SCENARIO} at queue size 1024 (${FPS_SECONDS} s)`,
  async run() {
    const page = await newPage({ viewport: VIEWPORT });
    try {
      await openApp(page, 1024);
      const { intervals, runs } = await countFrames(page, FPS_SECONDS);
      const totalMs = intervals.reduce((a, b) => a + b, 0);
      const fps = (intervals.length * 1000) / totalMs;
      const frames = summarize(intervals);
      log(`fps: ${fps.toFixed(1)} frames/s over ${(totalMs / 1000).toFixed(1)} s (${runs} free-run(s))`);
      return {
        metrics: [
          { key: 'freerun.fps', value: round(fps), unit: 'fps', target: { op: '>=', value: 55 } },
          { key: 'freerun.frame_p95_ms', value: round(frames.p95), unit: 'ms' },
        ],
        details: {
          scenario: SCENARIO,
          queueSize: 1024,
          viewport: VIEWPORT,
          freeRuns: runs,
          countedMs: round(totalMs),
          frames: intervals.length,
          frameMs: frames,
          longFrames: intervals.filter((i) => i > 2 * FRAME_MS).length,
        },
      };
    } finally {
      await page.close();
    }
  },
};

/** In the page, from the first script on: the first animation frame in which the Step button is enabled. */
function installInteractiveProbe(): void {
  const w = window as unknown as { __interactiveAt: number | null };
  w.__interactiveAt = null;
  const tick = (now: number) => {
    const step = document.querySelector<HTMLButtonElement>('button[aria-keyshortcuts="ArrowRight"]');
    if (step && !step.disabled) {
      w.__interactiveAt = now;
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function loadOnce(url: string) {
  const context = await newContext({ viewport: VIEWPORT }); // a cold cache every time
  const page = await context.newPage();
  try {
    const scripts: { url: string; started: number }[] = [];
    const onResponse = (res: import('@playwright/test').Response) => {
      const req = res.request();
      const isJs = req.resourceType() === 'script' || /\.m?js$/.test(new URL(res.url()).pathname);
      if (!isJs || res.status() !== 200) return;
      scripts.push({ url: res.url(), started: req.timing().startTime });
    };
    // Worker scripts are the context's responses, not the page's.
    context.on('response', onResponse);
    await page.addInitScript(installInteractiveProbe);
    await page.goto(`${url}/?scenario=single-read&seed=1`);
    await page.waitForFunction(
      () => (window as unknown as { __interactiveAt: number | null }).__interactiveAt !== null,
      null,
      { timeout: 30_000 },
    );
    const t = await page.evaluate(() => ({
      timeOrigin: performance.timeOrigin,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      interactive: (window as unknown as { __interactiveAt: number }).__interactiveAt,
      isolated: crossOriginIsolated,
    }));
    if (!t.isolated) throw new Error('the app is not cross-origin isolated');
    if (t.fcp === null) throw new Error('no first-contentful-paint entry');
    const seen = new Map<string, { started: number; gzip: number; raw: number }>();
    for (const s of scripts) {
      const file = new URL(s.url).pathname;
      if (seen.has(file)) continue;
      // The same bytes the page got, fetched again (a worker's response body is not kept by the browser).
      const body = Buffer.from(await (await fetch(s.url)).arrayBuffer());
      seen.set(file, {
        started: s.started - t.timeOrigin,
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
      });
    }
    const files = [...seen.entries()].map(([file, v]) => ({ file, ...v, beforeFirstPaint: v.started <= t.fcp! }));
    return { fcp: t.fcp, interactive: t.interactive, files };
  } finally {
    await context.close();
  }
}

export const loadPart: Part = {
  name: 'load',
  about: `page load from localhost: gzipped JS before first paint, time to the first interactive frame (${LOADS} cold loads)`,
  async run() {
    const { url } = await appServer();
    const loads = [];
    for (let i = 0; i < LOADS; i++) loads.push(await loadOnce(url));
    type Files = (typeof loads)[number]['files'];
    const sum = (files: Files, pick: (f: Files[number]) => boolean) =>
      files.filter(pick).reduce((a, f) => a + f.gzip, 0);
    // Whether a worker's script starts before or after the first paint varies from load to load: take the most.
    const firstPaintGzip = Math.max(...loads.map((l) => sum(l.files, (f) => f.beforeFirstPaint)));
    const allGzip = Math.max(...loads.map((l) => sum(l.files, () => true)));
    const first = loads[0]!;
    const interactive = median(loads.map((l) => l.interactive));
    const fcp = median(loads.map((l) => l.fcp));
    log(`load: ${firstPaintGzip} B gzipped JS before first paint, interactive after ${interactive.toFixed(0)} ms`);
    return {
      metrics: [
        {
          key: 'load.js_gzip_bytes',
          value: firstPaintGzip,
          unit: 'B',
          target: { op: '<=', value: 300_000 },
          note: 'gzip -9 of each script requested before first-contentful-paint (the most of the loads)',
        },
        {
          key: 'load.js_gzip_bytes_all',
          value: allGzip,
          unit: 'B',
          note: 'every script up to the first interactive frame, workers included',
        },
        { key: 'load.first_paint_ms', value: round(fcp), unit: 'ms' },
        {
          key: 'load.interactive_ms',
          value: round(interactive),
          unit: 'ms',
          note: 'first frame with Step enabled, median',
        },
      ],
      details: {
        scenario: 'single-read',
        loads: loads.map((l) => ({ fcp: round(l.fcp), interactive: round(l.interactive) })),
        files: first.files.map((f) => ({ ...f, started: round(f.started) })),
      },
    };
  },
};

export { stopAppServer };
