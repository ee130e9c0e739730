// `npm run bench [-- PART...] [--readme]`: runs the benchmarks of issue 7, prints the table and writes the results.
// A full run writes bench/results.json; a run of some parts writes bench/results.partial.json (so the full file
// always holds one run's numbers). --readme also rewrites the README's table from this run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { blkPart } from './parts/blk';
import { historyPart } from './parts/history';
import { ringPart } from './parts/ring';
import type { Part } from './parts/types';
import { fpsPart, loadPart, stepPart, stopAppServer } from './parts/ui';
import { chromiumVersion, closeBrowser } from './lib/browser';
import { ROOT, log, machineInfo } from './lib/env';
import { formatTable, type Metric } from './lib/metrics';
import { noiseRemark, readmeBlock, replaceReadmeBlock } from './lib/readme';
import { buildResults, validateResults, type MachineInfo, type Results } from './lib/results';
import os from 'node:os';
import * as prettier from 'prettier';

const PARTS: Part[] = [ringPart, blkPart, historyPart, stepPart, fpsPart, loadPart];

function usage(): string {
  return [
    'usage: npm run bench [-- PART...] [--readme]',
    '',
    ...PARTS.map((p) => `  ${p.name.padEnd(8)} ${p.about}`),
    '',
    'No PART: all of them, written to bench/results.json. Some: bench/results.partial.json.',
    '--readme: also rewrite the table in README.md (between the bench markers).',
    '--readme-only: rewrite that table from bench/results.json, measuring nothing.',
  ].join('\n');
}

/** As `npm run format` would leave it, so the files the bench writes pass `format:check`. */
async function formatted(file: string, text: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** Rewrites the README's table; only the block is formatted, the rest of the README stays as it is. */
async function writeReadme(date: string, machine: MachineInfo, metrics: readonly Metric[]): Promise<void> {
  const readmePath = path.join(ROOT, 'README.md');
  const block = readmeBlock({ date, machine, metrics, remark: noiseRemark(machine) });
  const pretty = (await formatted(readmePath, block)).trimEnd();
  writeFileSync(readmePath, replaceReadmeBlock(readFileSync(readmePath, 'utf8'), pretty));
  console.log('updated the table in README.md');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage());
    return 0;
  }
  if (args.includes('--readme-only')) {
    // The table from the last full run, without measuring again.
    const results = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'results.json'), 'utf8')) as Results;
    const problems = validateResults(results, true);
    if (problems.length > 0) throw new Error(`bench/results.json: ${problems.join('; ')}`);
    await writeReadme(results.date, results.machine, results.metrics);
    return 0;
  }
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !PARTS.some((p) => p.name === n));
  if (unknown.length > 0) {
    console.error(`unknown part(s): ${unknown.join(', ')}\n\n${usage()}`);
    return 2;
  }
  const chosen = names.length === 0 ? PARTS : PARTS.filter((p) => names.includes(p.name));
  const full = chosen.length === PARTS.length;
  const started = new Date();
  const machineAtStart = machineInfo(null);
  const metrics: Metric[] = [];
  const details: Record<string, unknown> = {};
  const failures: string[] = [];
  try {
    for (const part of chosen) {
      const t = performance.now();
      log(`${part.name}: ${part.about}`);
      try {
        const r = await part.run();
        metrics.push(...r.metrics);
        details[part.name] = r.details;
      } catch (e) {
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        failures.push(`${part.name}: ${message}`);
        log(`${part.name} FAILED: ${message}`);
      }
      log(`${part.name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    stopAppServer();
  }
  const machine = { ...machineAtStart, chromium: await chromiumVersion() };
  machine.loadAverageAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);
  await closeBrowser();

  const results = {
    ...buildResults({
      date: started,
      parts: chosen.map((p) => p.name),
      durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
      machine,
      metrics,
      details,
    }),
    ...(failures.length > 0 ? { failures } : {}),
  };
  const problems = validateResults(results, full);
  const file = path.join(ROOT, 'bench', full ? 'results.json' : 'results.partial.json');
  writeFileSync(file, await formatted(file, JSON.stringify(results, null, 2)));

  console.log(`\n${formatTable(metrics)}\n`);
  for (const m of metrics.filter((m) => m.note)) console.log(`  ${m.key}: ${m.note}`);
  console.log(
    `\n${machine.cpu}, ${machine.cores} cores; Node ${machine.node}, Chromium ${machine.chromium ?? 'n/a'}; ` +
      `load average ${machine.loadAverage.join(' / ')} -> ${machine.loadAverageAfter.join(' / ')}`,
  );
  console.log(`wrote ${path.relative(ROOT, file)} (${results.durationSeconds} s)`);
  if (args.includes('--readme')) await writeReadme(results.date, machine, metrics);
  for (const p of problems) console.error(`results: ${p}`);
  for (const f of failures) console.error(`failed: ${f.split('\n')[0]}`);
  return failures.length > 0 || problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
