import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { importFiles } from '../import/detect';
import { snapshotSummary } from '../import/snapshot';
import { traceSummary } from '../import/trace/summary';
import type { ImportFile, ImportProblem } from '../import/types';
import { CliError } from './loadScenario';

/** `file:line: message` (or `file: byte N: message`), the way compilers point at a place. */
export function formatProblem(p: ImportProblem): string {
  const where = p.line !== undefined ? `:${p.line}` : '';
  const byte = p.byte !== undefined ? ` byte ${p.byte}:` : '';
  return `${p.file}${where}:${byte} ${p.message}`;
}

function readFiles(paths: string[]): ImportFile[] {
  return paths.map((path) => {
    try {
      return { name: basename(path), bytes: new Uint8Array(readFileSync(path)) };
    } catch (e) {
      throw new CliError(`cannot read ${path}: ${(e as Error).message}`);
    }
  });
}

/** `virtio-viz import <file...> --format summary`: what a trace log or a ring snapshot says, as JSON. */
export function addImportCommand(program: Command, out: (s: string) => void): void {
  program
    .command('import')
    .description('read real-VM data (a QEMU -trace log, or a QMP/HMP ring snapshot with its .bin dumps)')
    .argument('<file...>', 'the trace log, or the snapshot files (status JSON or HMP text, desc/avail/used .bin)')
    .addOption(new Option('--format <format>', 'output format').choices(['summary']).default('summary'))
    .action((paths: string[]) => {
      const outcome = importFiles(readFiles(paths));
      if (outcome.kind === 'unknown') throw new CliError(formatProblem(outcome.problem));
      let json: unknown;
      let problem: ImportProblem | undefined;
      if (outcome.kind === 'trace') {
        const r = outcome.result;
        if (!r.ok) throw new CliError(formatProblem(r.problem));
        problem = r.partial ? r.problem : undefined;
        json = traceSummary(r.value, problem);
      } else {
        const r = outcome.result;
        if (!r.ok) throw new CliError(formatProblem(r.problem));
        problem = r.partial ? r.problem : undefined;
        json = { ...(snapshotSummary(r.value) as object), ...(problem ? { partial: { problem } } : {}) };
      }
      out(JSON.stringify(json, null, 2) + '\n');
      if (problem) throw new CliError(`${formatProblem(problem)} (the summary above covers what came before it)`);
    });
}
