import { markdownTable, type Metric } from './metrics';
import type { MachineInfo } from './results';

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** The README's table and the machine line, from one run's results. */
export function readmeBlock(args: {
  date: string;
  machine: MachineInfo;
  metrics: readonly Metric[];
  remark?: string;
}): string {
  const m = args.machine;
  const gib = (m.memoryBytes / 2 ** 30).toFixed(0);
  const machine =
    `${m.cpu}, ${m.cores} cores, ${gib} GiB, ${m.os}; Node ${m.node}, Chromium ${m.chromium ?? 'n/a'}, ${m.cc ?? 'no cc'}; ` +
    `load average ${m.loadAverage.join(' / ')} at the start`;
  return [
    README_START,
    `Run of ${args.date.slice(0, 16).replace('T', ' ')} UTC on: ${machine}.`,
    ...(args.remark ? ['', args.remark] : []),
    '',
    markdownTable(args.metrics),
    README_END,
  ].join('\n');
}

/**
 * A warning when the machine was busy: a 1-minute load average above the core count at the start, or above twice
 * the core count at the end (the bench's own busy-polling threads and browser load the machine up to about the
 * core count by then, so the end figure alone says little until it is well past that).
 */
export function noiseRemark(m: MachineInfo): string | undefined {
  const atStart = m.loadAverage[0] ?? 0;
  const atEnd = m.loadAverageAfter?.[0] ?? 0;
  if (atStart <= m.cores && atEnd <= 2 * m.cores) return undefined;
  const worst = Math.max(atStart, atEnd);
  return (
    `**Noisy run**: the load average reached ${worst} on ${m.cores} cores (other processes were running), so ` +
    'threads were descheduled mid-measurement; busy-polling rings suffer most. Re-run on a quiet machine to compare.'
  );
}

/** Replaces the block between the markers; the rest of the README is left as it is. */
export function replaceReadmeBlock(readme: string, block: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} ... ${README_END} block`);
  return readme.slice(0, start) + block + readme.slice(end + README_END.length);
}
