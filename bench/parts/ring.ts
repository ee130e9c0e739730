import path from 'node:path';
import type { Page } from '@playwright/test';
import { ringThroughputNode } from '../../src/engine/ringbench/node';
import { newPage } from '../lib/browser';
import { OUT, ROOT, log, preview, run } from '../lib/env';
import type { Metric } from '../lib/metrics';
import { buildNative, runNative } from '../lib/native';
import { median, medianRoundRatio } from '../lib/stats';
import type { Part } from './types';

/** Queue size of every ring run: the same for the C program and ours. */
export const RING_QUEUE_SIZE = 256;
const ROUNDS = Number(process.env.BENCH_RING_ROUNDS ?? 5);
const DURATION_MS = Number(process.env.BENCH_RING_MS ?? 2000);
const RATIO_TARGET = 0.5;
/**
 * BENCH_RING_MIXED=1 also runs, in Node, the engine's driver against the hand-written device and the hand-written
 * driver against the engine's device: whether one side alone sets the pace. Off by default (it adds a minute).
 */
const MIXED = process.env.BENCH_RING_MIXED === '1';
type Run = 'native' | 'node' | 'browser' | 'js_reference' | 'engine_driver' | 'engine_device';
const MIXED_RUNS = [
  {
    run: 'engine_driver',
    impl: 'engine',
    deviceImpl: 'hand-written',
    about: "the engine's driver, the hand-written device",
  },
  {
    run: 'engine_device',
    impl: 'hand-written',
    deviceImpl: 'engine',
    about: "the hand-written driver, the engine's device",
  },
] as const;

interface Sample {
  /** The round it ran in, so each ratio pairs runs that saw the same machine. */
  round?: number;
  requests: number;
  seconds: number;
  opsPerSec: number;
  kicks?: number;
  interrupts?: number;
}

/** A run that has not finished long after its duration is given up (and its workers with the page). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const keep = (s: Sample, round: number): Sample => ({
  round,
  requests: s.requests,
  seconds: Math.round(s.seconds * 1e6) / 1e6,
  opsPerSec: Math.round(s.opsPerSec),
  kicks: s.kicks,
  interrupts: s.interrupts,
});

/**
 * The split ring between two threads: the C program (pthreads), our engine in Node (worker_threads) and our engine
 * in headless Chromium (Web Workers). The three run interleaved, round after round, so a busy moment on the machine
 * hits them alike; each figure is the median of its rounds, and each ratio the median of the rounds' own ratios (the
 * host can move a vCPU between rounds, and C's speed with it, so a ratio is only taken within one round).
 */
export const ringPart: Part = {
  name: 'ring',
  about: `split-ring throughput, C vs ours in Node and Chromium, with and without EVENT_IDX (${ROUNDS} x ${DURATION_MS} ms each)`,
  async run() {
    log('ring: building the C program (cc -O2) and the bench page');
    const bin = buildNative();
    run('npx', ['vite', 'build', '--config', 'bench/vite.bench.config.ts']);
    const server = await preview(path.join(OUT, 'pages'), path.join(ROOT, 'bench/vite.bench.config.ts'), '/ring.html');
    let page: Page | null = null;
    const openPage = async (): Promise<Page> => {
      const p = await newPage();
      const pageErrors: string[] = [];
      p.on('pageerror', (e) => pageErrors.push(e.message));
      p.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
      await p.goto(`${server.url}/ring.html`);
      await p
        .waitForFunction(() => window.ringBenchReady === true, null, { timeout: 30_000 })
        .catch((e: Error) => {
          throw new Error(`the bench page did not start: ${pageErrors.join('; ') || e.message}`);
        });
      if (!(await p.evaluate(() => crossOriginIsolated)))
        throw new Error('the bench page is not cross-origin isolated');
      return p;
    };
    const limit = DURATION_MS + 60_000;
    const failures: string[] = [];
    try {
      page = await openPage();
      const runs: Record<string, Record<Run, Sample[]>> = {};
      for (const eventIdx of [true, false]) {
        const none = { native: [], node: [], browser: [], js_reference: [], engine_driver: [], engine_device: [] };
        runs[eventIdx ? 'event_idx' : 'no_event_idx'] = none;
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const eventIdx of [false, true]) {
          const opts = { eventIdx, queueSize: RING_QUEUE_SIZE, durationMs: DURATION_MS };
          const r = runs[eventIdx ? 'event_idx' : 'no_event_idx']!;
          const mode = eventIdx ? 'EVENT_IDX' : 'flags';
          r.native.push(keep(runNative(bin, opts), round));
          // The reference: the same protocol hand-written on typed arrays, no engine (what JavaScript reaches here).
          try {
            const reference = ringThroughputNode({ ...opts, impl: 'hand-written' });
            r.js_reference.push(keep(await withTimeout(reference, limit, `hand-written ring run (${mode})`), round));
          } catch (e) {
            failures.push(`round ${round + 1}: ${(e as Error).message}`);
            log(`ring: ${(e as Error).message}`);
          }
          for (const m of MIXED ? MIXED_RUNS : []) {
            try {
              const mixed = ringThroughputNode({ ...opts, impl: m.impl, deviceImpl: m.deviceImpl });
              r[m.run].push(keep(await withTimeout(mixed, limit, `${m.run} ring run (${mode})`), round));
            } catch (e) {
              failures.push(`round ${round + 1}: ${(e as Error).message}`);
              log(`ring: ${(e as Error).message}`);
            }
          }
          try {
            r.node.push(keep(await withTimeout(ringThroughputNode(opts), limit, `node ring run (${mode})`), round));
          } catch (e) {
            failures.push(`round ${round + 1}: ${(e as Error).message}`);
            log(`ring: ${(e as Error).message}`);
          }
          try {
            const p: Page = page ?? (page = await openPage());
            r.browser.push(
              keep(
                await withTimeout(
                  p.evaluate((o) => window.ringThroughputBrowser(o), opts),
                  limit,
                  `browser ring run (${mode})`,
                ),
                round,
              ),
            );
          } catch (e) {
            failures.push(`round ${round + 1}: ${(e as Error).message}`);
            log(`ring: ${(e as Error).message}; reopening the page`);
            await page?.close().catch(() => undefined);
            page = null;
          }
          log(
            `ring: round ${round + 1}/${ROUNDS} ${eventIdx ? 'EVENT_IDX' : 'flags'}: native ${r.native.at(-1)!.opsPerSec}, ` +
              `node ${r.node.at(-1)?.opsPerSec}, browser ${r.browser.at(-1)?.opsPerSec}, ` +
              `hand-written JS ${r.js_reference.at(-1)?.opsPerSec} ops/s` +
              (MIXED
                ? `; engine driver + hand-written device ${r.engine_driver.at(-1)?.opsPerSec}, ` +
                  `hand-written driver + engine device ${r.engine_device.at(-1)?.opsPerSec}`
                : ''),
          );
        }
      }
      const metrics: Metric[] = [];
      const summary: Record<string, Record<string, number>> = {};
      for (const [mode, r] of Object.entries(runs)) {
        if (r.node.length === 0 || r.browser.length === 0)
          throw new Error(`no ${mode} run of ours finished: ${failures.join('; ')}`);
        const native = median(r.native.map((s) => s.opsPerSec));
        const perRound = (xs: Sample[]) => xs.map((s) => ({ round: s.round ?? -1, value: s.opsPerSec }));
        const ratioOf = (xs: Sample[]) => medianRoundRatio(perRound(xs), perRound(r.native));
        const node = median(r.node.map((s) => s.opsPerSec));
        const browserOps = median(r.browser.map((s) => s.opsPerSec));
        const reference = r.js_reference.length > 0 ? median(r.js_reference.map((s) => s.opsPerSec)) : NaN;
        summary[mode] = { native, node, browser: browserOps, js_reference: reference };
        // The headline keys are with EVENT_IDX (what the built-in scenarios negotiate); ring.no_event_idx.* without.
        const prefix = mode === 'event_idx' ? 'ring' : 'ring.no_event_idx';
        metrics.push(
          { key: `${prefix}.native_ops_per_s`, value: Math.round(native), unit: 'ops/s' },
          { key: `${prefix}.node_ops_per_s`, value: Math.round(node), unit: 'ops/s' },
          { key: `${prefix}.browser_ops_per_s`, value: Math.round(browserOps), unit: 'ops/s' },
          {
            key: `${prefix}.ratio_node`,
            value: ratioOf(r.node),
            unit: '',
            target: { op: '>=', value: RATIO_TARGET },
          },
          {
            key: `${prefix}.ratio_browser`,
            value: ratioOf(r.browser),
            unit: '',
            target: { op: '>=', value: RATIO_TARGET },
          },
        );
        if (r.js_reference.length > 0) {
          metrics.push(
            {
              key: `${prefix}.js_reference_ops_per_s`,
              value: Math.round(reference),
              unit: 'ops/s',
              note: 'the same protocol hand-written on typed arrays in Node, no engine: a reference, not a target',
            },
            { key: `${prefix}.ratio_js_reference`, value: ratioOf(r.js_reference), unit: '' },
          );
        }
        for (const m of MIXED_RUNS) {
          if (r[m.run].length === 0) continue;
          metrics.push(
            {
              key: `${prefix}.mixed_${m.run}_ops_per_s`,
              value: Math.round(median(r[m.run].map((s) => s.opsPerSec))),
              unit: 'ops/s',
              note: `${m.about}, in Node (BENCH_RING_MIXED=1): a diagnosis, not a target`,
            },
            { key: `${prefix}.mixed_${m.run}_ratio`, value: ratioOf(r[m.run]), unit: '' },
          );
        }
      }
      return {
        metrics,
        details: {
          queueSize: RING_QUEUE_SIZE,
          rounds: ROUNDS,
          durationMs: DURATION_MS,
          medians: summary,
          runs,
          failures,
        },
      };
    } finally {
      await page?.close();
      server.stop();
    }
  },
};
