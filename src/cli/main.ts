import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BUILTIN_SCENARIOS } from '../engine/scenario/builtin';
import { FEATURE_NAMES } from '../engine/scenario/schema';
import { Machine, MachineSetupError } from '../engine/machine/machine';
import { summarize } from '../engine/machine/summary';
import { describeMemory } from '../engine/machine/memoryDump';
import { CliError, loadScenario } from './loadScenario';
import { addImportCommand } from './importCommand';
import { writeSnapshotExport } from './exportSnapshot';
import { jsonlStep } from './jsonlStep';

const integer = (what: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}`);
  }
  return n;
};

const featureList = (value: string): string[] => {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(FEATURE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown feature(s) ${unknown.join(', ')}; known: ${FEATURE_NAMES.join(', ')}`);
  }
  return names;
};

export function buildProgram(out: (s: string) => void): Command {
  const program = new Command('virtio-viz')
    .description('Run virtio-visualizer scenarios: a Linux-style virtio-blk driver and a QEMU-style device')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: (s) => process.stderr.write(s) });

  program
    .command('scenarios')
    .description('list the built-in scenarios')
    .option('--json', 'print them as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        out(JSON.stringify(BUILTIN_SCENARIOS, null, 2) + '\n');
        return;
      }
      const width = Math.max(...BUILTIN_SCENARIOS.map((s) => s.name.length));
      for (const s of BUILTIN_SCENARIOS) out(`${s.name.padEnd(width)}  ${s.title}\n`);
    });

  program
    .command('run')
    .description('run a scenario to its end (or N steps) and report')
    .argument('<scenario>', 'a built-in scenario name or a scenario JSON file')
    .option('--seed <n>', 'seed for every random choice', integer('--seed', 0, 0xffffffff), 1)
    .option('--steps <n>', 'stop after N steps', integer('--steps', 0, 1e9))
    .option('--queue-size <n>', 'override the queue size', integer('--queue-size', 1, 32768))
    .option('--features <list>', `comma-separated features (${FEATURE_NAMES.join(',')})`, featureList)
    .addOption(new Option('--format <format>', 'output format').choices(['summary', 'jsonl']).default('summary'))
    .option('--dump-memory <file>', 'write guest memory to FILE and its description to FILE.json')
    .option(
      '--export-snapshot <dir|file.zip>',
      'write queue 0 as a QMP ring snapshot (status JSON + desc/avail/used .bin + ind_0xADDR.bin per outstanding indirect table) to DIR, or into one archive when the path ends in .zip',
    )
    .action(
      (
        name: string,
        opts: {
          seed: number;
          steps?: number;
          queueSize?: number;
          features?: string[];
          format: string;
          dumpMemory?: string;
          exportSnapshot?: string;
        },
      ) => {
        const scenario = loadScenario(name, {
          ...(opts.queueSize !== undefined ? { queueSize: opts.queueSize } : {}),
          ...(opts.features !== undefined ? { features: opts.features } : {}),
        });
        const machine = new Machine({ scenario, seed: opts.seed });
        if (opts.format === 'jsonl') machine.onStep = (r) => out(jsonlStep(r) + '\n');
        const limit = opts.steps ?? Infinity;
        while (machine.stepCount < limit && machine.stepOnce()) {
          /* stepping */
        }
        if (opts.dumpMemory) dumpMemory(machine, opts.dumpMemory);
        if (opts.exportSnapshot) writeSnapshotExport(machine, opts.exportSnapshot);
        if (opts.format === 'summary') out(JSON.stringify(summarize(machine), null, 2) + '\n');
      },
    );
  addImportCommand(program, out);
  return program;
}

/**
 * FILE gets the raw guest memory, FILE.json where the rings are and what was negotiated. A missing folder on the
 * way is made, as --export-snapshot makes its own.
 */
function dumpMemory(machine: Machine, file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, new Uint8Array(machine.mem.buffer));
    writeFileSync(`${file}.json`, JSON.stringify(describeMemory(machine), null, 2) + '\n');
  } catch (e) {
    throw new CliError(`--dump-memory: cannot write ${file}: ${(e as Error).message}`);
  }
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export function runCli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const program = buildProgram(out);
  try {
    program.parse(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      process.stderr.write(`virtio-viz: ${e.message}\n`);
      return 2;
    }
    // A valid scenario the guest cannot set up (e.g. rings that do not fit in its memory).
    if (e instanceof MachineSetupError) {
      process.stderr.write(`virtio-viz: the guest cannot set up the device: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
