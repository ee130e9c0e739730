import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { expandArchives } from '../import/archive/unpack';
import { archiveTooLarge, locateInArchive } from '../import/archive/sniff';
import { importFiles } from '../import/detect';
import { snapshotSummary } from '../import/snapshot';
import { areaByName, dumpAddrByName } from '../import/snapshot/areas';
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

/** `--base 0x2986000` (or decimal, as QEMU's monitor takes either). */
function guestAddr(value: string): number {
  const n = /^0x[0-9a-f]+$/i.test(value)
    ? Number.parseInt(value.slice(2), 16)
    : /^\d+$/.test(value)
      ? Number(value)
      : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('--base must be an address such as 0x2986000');
  return n;
}

/**
 * Gives `--base` to the one dump it can mean: a .bin named neither by an area (desc/avail/used) nor by an address.
 * None or several such files is refused: the address would be a guess.
 */
function withBase(files: ImportFile[], base: number): ImportFile[] {
  const open = files.filter(
    (f) => /\.bin$/i.test(f.name) && areaByName(f.name) === null && dumpAddrByName(f.name) === null,
  );
  if (open.length !== 1)
    throw new CliError(
      open.length === 0
        ? '--base: no .bin file without an address or area in its name to give it to'
        : `--base: ${open.length} .bin files have no address in their names (${open.map((f) => f.name).join(', ')}); name each by its address instead (ring_0xADDR.bin)`,
    );
  return files.map((f) => (f === open[0] ? { ...f, gpa: base } : f));
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
    .option(
      '--base <addr>',
      'guest-physical address of the first byte of the one .bin whose name gives no address (a pmemsave of the whole ring: desc table, avail and used rings in one file)',
      guestAddr,
    )
    .action((paths: string[], opts: { base?: number }) => {
      const expanded = expandArchives(readFiles(paths));
      if (!expanded.ok) throw new CliError(formatProblem(expanded.problem));
      if (opts.base !== undefined) expanded.files = withBase(expanded.files, opts.base);
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
