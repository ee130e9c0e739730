import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { expandArchives } from '../import/archive/unpack';
import { archiveTooLarge, locateInArchive } from '../import/archive/sniff';
import { importFiles } from '../import/detect';
import { snapshotSummary } from '../import/snapshot';
import { traceSummary } from '../import/trace/summary';
import type { ImportFile, ImportProblem } from '../import/types';
import { CliError } from './loadScenario';

/**
 * `file:line: message` (or `file: byte N: message`), the way compilers point at a place; a file inside an archive
 * is `archive.zip(file)`, as linkers name an archive's member.
 */
export function formatProblem(p: ImportProblem): string {
  const where = p.line !== undefined ? `:${p.line}` : '';
  const byte = p.byte !== undefined ? ` byte ${p.byte}:` : '';
  const file = p.archive !== undefined ? `${p.archive}(${p.file})` : p.file;
  return `${file}${where}:${byte} ${p.message}`;
}

function readFiles(paths: string[]): ImportFile[] {
  return paths.map((path) => {
    try {
      // An archive too large to unpack is refused before it is read.
      const big = /\.zip$/i.test(path) ? archiveTooLarge(basename(path), statSync(path).size) : null;
      if (big) throw new CliError(formatProblem(big));
      return { name: basename(path), bytes: new Uint8Array(readFileSync(path)) };
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`cannot read ${path}: ${(e as Error).message}`);
    }
  });
}

/** `virtio-viz import <file...> --format summary`: what a trace log or a ring snapshot says, as JSON. */
export function addImportCommand(program: Command, out: (s: string) => void): void {
  program
    .command('import')
    .description('read real-VM data (a QEMU -trace log, or a QMP/HMP ring snapshot with its .bin dumps)')
    .argument(
      '<file...>',
      'the trace log, or the snapshot files (status JSON or HMP text, desc/avail/used .bin), or a .zip holding them',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['summary']).default('summary'))
    .action((paths: string[]) => {
      const expanded = expandArchives(readFiles(paths));
      if (!expanded.ok) throw new CliError(formatProblem(expanded.problem));
      const located = (p: ImportProblem) => formatProblem(locateInArchive(p, expanded.origins));
      const outcome = importFiles(expanded.files);
      if (outcome.kind === 'unknown') throw new CliError(located(outcome.problem));
      let json: unknown;
      let problem: ImportProblem | undefined;
      if (outcome.kind === 'trace') {
        const r = outcome.result;
        if (!r.ok) throw new CliError(located(r.problem));
        problem = r.partial ? locateInArchive(r.problem, expanded.origins) : undefined;
        json = traceSummary(r.value, problem);
      } else {
        const r = outcome.result;
        if (!r.ok) throw new CliError(located(r.problem));
        problem = r.partial ? locateInArchive(r.problem, expanded.origins) : undefined;
        json = { ...(snapshotSummary(r.value) as object), ...(problem ? { partial: { problem } } : {}) };
      }
      out(JSON.stringify(json, null, 2) + '\n');
      if (problem) throw new CliError(`${located(problem)} (the summary above covers what came before it)`);
    });
}
