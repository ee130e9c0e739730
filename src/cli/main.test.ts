import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from '../engine/scenario/builtin';
import type { RunSummary } from '../engine/machine/summary';
import type { StepRecord } from '../engine/step';
import { Machine } from '../engine/machine/machine';
import { Session } from '../engine/session';
import { cliHarness } from './testing/cliHarness';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const { dir, cli } = cliHarness('virtio-viz-cli-');

const summary = (...argv: string[]): RunSummary => {
  const r = cli('run', ...argv);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as RunSummary;
};

/** A jsonl line: a step record numbered by the viewer's `step` instead of its `index`. */
type JsonlStep = Omit<StepRecord, 'index'> & { step: number };

const jsonl = (...argv: string[]): { text: string; steps: JsonlStep[] } => {
  const r = cli('run', ...argv, '--format', 'jsonl');
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  expect(lines.pop()).toBe(''); // every line ends with a newline
  return { text: r.out, steps: lines.map((l) => JSON.parse(l) as JsonlStep) };
};

const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('virtio-viz scenarios', () => {
  it('lists every built-in scenario with its title', () => {
    const r = cli('scenarios');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(BUILTIN_SCENARIOS.length);
    BUILTIN_SCENARIOS.forEach((s, i) => {
      expect(lines[i]!.split(/\s+/)[0]).toBe(s.name);
      expect(lines[i]).toContain(s.title);
    });
  });

  it('prints them as JSON with --json', () => {
    const r = cli('scenarios', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { name: string }[];
    expect(list.map((s) => s.name)).toEqual(BUILTIN_SCENARIOS.map((s) => s.name));
  });
});

describe('virtio-viz run', () => {
  it('prints a summary with the counters, the device status, the errors and every queue’s indices', () => {
    const s = summary('single-read');
    expect(s).toMatchObject({
      scenario: 'single-read',
      seed: 1,
      end: 'completed',
      requests: 1,
      completed: 1,
      kicks: 1,
      kicks_suppressed: 0,
      interrupts: 1,
      interrupts_suppressed: 0,
      device_status: 15,
      errors: [],
    });
    expect(s.steps).toBeGreaterThan(20);
    expect(s.queues).toEqual([
      { index: 0, size: 8, avail_idx: 1, used_idx: 1, last_avail_idx: 1, last_used_idx: 1, num_free: 8 },
    ]);
    for (const key of ['kicks_suppressed', 'interrupts_suppressed', 'steps', 'device_status'] as const) {
      expect(typeof s[key]).toBe('number');
    }
  });

  it('reports each device error with its message', () => {
    const s = summary('bad-guest-looped-chain');
    expect(s.end).toBe('device-error');
    expect(s.device_status & 64).toBe(64); // DEVICE_NEEDS_RESET
    expect(s.errors.length).toBeGreaterThan(0);
    for (const e of s.errors) {
      expect(typeof e.message).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
    expect(s.errors.map((e) => e.kind)).toContain('looped-descriptor');
    expect(s.errors[0]!.message).toMatch(/Looped descriptor/);
  });

  it('--format jsonl prints one JSON step per line, as many as the summary counts', () => {
    for (const name of ['single-read', 'two-queues-two-iothreads']) {
      const { steps } = jsonl(name);
      expect(steps).toHaveLength(summary(name).steps);
      steps.forEach((r, i) => {
        // Numbered as the viewer numbers steps: the first line is Step 1.
        expect(r.step).toBe(i + 1);
        expect(r).not.toHaveProperty('index');
        expect(typeof r.fn).toBe('string');
        expect(typeof r.explain).toBe('string');
        expect(Array.isArray(r.writes)).toBe(true);
      });
    }
    const kicks = jsonl('write-batch-flags').steps.filter((r) => r.events.some((e) => e.type === 'kick'));
    expect(kicks).toHaveLength(summary('write-batch-flags').kicks);
  });

  it("--format jsonl's step N is the viewer's Step N (the state a link's #step=N opens)", () => {
    const { steps } = jsonl('single-read');
    const session = new Session(builtinScenario('single-read')!, 1);
    for (const line of [steps[0]!, steps[15]!, steps.find((r) => r.events.some((e) => e.type === 'kick'))!]) {
      session.jump(line.step);
      expect(session.step).toBe(line.step);
      expect(session.current?.fn).toBe(line.fn);
      expect(session.current?.explain).toBe(line.explain);
    }
    // The kick is where the viewer's Run to next kick stops.
    session.jump(0);
    session.runUntil('kick');
    expect(steps.find((r) => r.events.some((e) => e.type === 'kick'))!.step).toBe(session.step);
  });

  it('--steps N stops after N steps', () => {
    const s = summary('out-of-order', '--steps', '25');
    expect(s.steps).toBe(25);
    expect(s.end).toBe('running');
    expect(jsonl('out-of-order', '--steps', '25').steps).toHaveLength(25);
    expect(summary('single-read', '--steps', '100000').end).toBe('completed');
  });

  it('--seed changes a random run, and the same seed reproduces it byte for byte', () => {
    const a = jsonl('out-of-order', '--seed', '7').text;
    const b = jsonl('out-of-order', '--seed', '8').text;
    expect(a).not.toBe(b);
    expect(jsonl('out-of-order', '--seed', '7').text).toBe(a);
    const first = cli('run', 'out-of-order', '--seed', '7').out;
    expect(cli('run', 'out-of-order', '--seed', '7').out).toBe(first);
    expect(JSON.parse(first)).toMatchObject({ seed: 7, end: 'completed', completed: 8 });
  });

  it('--queue-size and --features apply to the scenario', () => {
    const sized = summary('single-read', '--queue-size', '16');
    expect(sized.queues[0]).toMatchObject({ size: 16, num_free: 16 });
    expect(sized.end).toBe('completed');
    const plain = summary('single-read');
    expect(plain.features).toBe('0x0000000120000200'); // VERSION_1 | RING_EVENT_IDX | BLK_F_FLUSH
    const narrowed = summary('single-read', '--features', 'VERSION_1,RING_EVENT_IDX');
    expect(narrowed.features).toBe('0x0000000120000000'); // bits 32 and 29
    expect(narrowed.end).toBe('completed');
    // Without EVENT_IDX the same writes are suppressed through the flags instead.
    const flags = summary('write-batch-event-idx', '--features', 'VERSION_1');
    expect(flags.features).toBe('0x0000000100000000');
    expect({ ...flags, scenario: '' }).toEqual({
      ...summary('write-batch-flags', '--features', 'VERSION_1'),
      scenario: '',
    });
  });

  it('--dump-memory writes guest memory and a description whose rings decode to the summary’s indices', () => {
    for (const name of ['single-read', 'two-queues-two-iothreads']) {
      const path = join(dir, `${name}.bin`);
      const s = summary(name, '--dump-memory', path);
      const scenario = builtinScenario(name)!;
      expect(statSync(path).size).toBe(scenario.guest.memory);
      const desc = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as {
        features: string;
        memory_size: number;
        queues: { size: number; desc: number; avail: number; used: number }[];
      };
      expect(desc.features).toBe(s.features);
      expect(desc.features).toMatch(/^0x[0-9a-f]{16}$/);
      expect(desc.memory_size).toBe(scenario.guest.memory);
      expect(desc.queues).toHaveLength(s.queues.length);
      const bytes = readFileSync(path);
      const mem = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      desc.queues.forEach((q, i) => {
        expect(q.size).toBe(s.queues[i]!.size);
        for (const addr of [q.desc, q.avail, q.used]) expect(addr).toBeLessThan(bytes.byteLength);
        const availIdx = mem.getUint16(q.avail + 2, true);
        const usedIdx = mem.getUint16(q.used + 2, true);
        expect(availIdx).toBe(s.queues[i]!.avail_idx);
        expect(usedIdx).toBe(s.queues[i]!.used_idx);
        // The last chain published: its head in the avail ring, back in the used ring, its header descriptor first.
        const head = mem.getUint16(q.avail + 4 + 2 * ((availIdx - 1) & (q.size - 1)), true);
        expect(mem.getUint32(q.used + 4 + 8 * ((usedIdx - 1) & (q.size - 1)), true)).toBeLessThan(q.size);
        const at = q.desc + 16 * head;
        expect(Number(mem.getBigUint64(at, true))).toBeLessThan(bytes.byteLength);
        if (name === 'single-read') {
          expect(mem.getUint32(q.used + 4, true)).toBe(head); // used.ring[0].id
          expect(mem.getUint32(q.used + 8, true)).toBe(4096 + 1); // used.ring[0].len: data and status
          expect(mem.getUint32(at + 8, true)).toBe(16); // virtio_blk_outhdr
          expect(mem.getUint16(at + 12, true)).toBe(1); // VRING_DESC_F_NEXT
        }
      });
    }
  });

  it('--dump-memory makes the folders it is to write into, as --export-snapshot does', () => {
    const path = join(dir, 'new', 'deeper', 'mem.bin');
    summary('single-read', '--dump-memory', path);
    expect(statSync(path).size).toBe(builtinScenario('single-read')!.guest.memory);
    expect(statSync(`${path}.json`).isFile()).toBe(true);
    const snap = join(dir, 'new2', 'snap');
    summary('single-read', '--export-snapshot', snap);
    expect(statSync(snap).isDirectory()).toBe(true);
  });

  it('--format jsonl writes every address in hex, as the summaries do', () => {
    const { text, steps } = jsonl('single-read');
    const writes = steps.flatMap((r) => r.writes as unknown as { addr: string }[]);
    expect(writes.length).toBeGreaterThan(10);
    for (const w of writes) expect(w.addr).toMatch(/^0x[0-9a-f]+$/);
    const reads = steps.flatMap((r) => r.events).filter((e) => e.type === 'segment-read');
    expect(reads.length).toBeGreaterThan(0);
    for (const e of reads) expect((e as unknown as { addr: string }).addr).toMatch(/^0x[0-9a-f]+$/);
    expect(text).not.toMatch(/"addr":\d/);
    // The same addresses the machine's records hold (numbers), only written in hex.
    const machine = new Machine({ scenario: builtinScenario('single-read')!, seed: 1 });
    const records: StepRecord[] = [];
    machine.onStep = (r) => records.push(r);
    while (machine.stepOnce()) {
      /* stepping */
    }
    expect(writes.map((w) => Number(w.addr))).toEqual(records.flatMap((r) => r.writes.map((w) => w.addr)));
  });

  it('runs a scenario from a JSON file', () => {
    const path = file(
      'mine.json',
      JSON.stringify({ version: 1, name: 'mine', title: 'Mine', workload: { ops: [{ op: 'write', count: 3 }] } }),
    );
    expect(summary(path)).toMatchObject({ scenario: 'mine', end: 'completed', requests: 3, completed: 3 });
  });
});

describe('virtio-viz with invalid input', () => {
  const fails = (argv: string[], message: RegExp) => {
    const r = cli(...argv);
    expect(r.code, argv.join(' ')).not.toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  };

  it('an unknown scenario names it and lists the built-ins', () => {
    fails(['run', 'no-such-scenario'], /unknown scenario "no-such-scenario": not a built-in \(single-read, .*\)/);
  });

  it('a path that is not a readable file', () => {
    fails(['run', dir], /cannot read scenario file .*: EISDIR/);
  });

  it('a file with bad JSON', () => {
    fails(['run', file('bad.json', '{ "version": 1, ')], /bad\.json: not valid JSON/);
  });

  it('a file with an invalid field names the field’s path', () => {
    const path = file(
      'invalid.json',
      JSON.stringify({ version: 1, name: 'x', title: 'X', workload: { ops: [{ op: 'read', sectors: 0 }] } }),
    );
    fails(['run', path], /invalid scenario .*invalid\.json:\nworkload\.ops\.0\.sectors: /);
    fails(['run', file('array.json', '[1, 2]')], /a scenario must be a JSON object/);
  });

  it('bad options', () => {
    fails(['run', 'single-read', '--seed', 'abc'], /--seed must be a whole number from 0 to 4294967295/);
    fails(['run', 'single-read', '--seed', '-1'], /--seed/);
    fails(['run', 'single-read', '--steps', '1.5'], /--steps must be a whole number/);
    fails(['run', 'single-read', '--format', 'xml'], /argument 'xml' is invalid\. Allowed choices are summary, jsonl/);
    fails(['run', 'single-read', '--queue-size', '3'], /queue\.size: must be a power of 2/);
    fails(['run', 'single-read', '--features', 'VERSION_1,BOGUS'], /unknown feature\(s\) BOGUS; known: VERSION_1/);
    fails(['run', 'single-read', '--features', 'RING_EVENT_IDX'], /features: VERSION_1 is required/);
    fails(['run', 'single-read', '--bogus'], /unknown option '--bogus'/);
    fails(['run'], /missing required argument 'scenario'/);
  });

  it('an unknown command', () => {
    fails(['frobnicate'], /unknown command 'frobnicate'/);
  });

  it('a dump file that cannot be written', () => {
    // A missing folder is made (as --export-snapshot makes its own); a folder that cannot be one is refused.
    const notADir = file('plain.txt', 'a file, not a folder');
    fails(
      ['run', 'single-read', '--dump-memory', join(notADir, 'x.bin')],
      /--dump-memory: cannot write .*plain\.txt\/x\.bin: EEXIST/,
    );
    fails(['run', 'single-read', '--dump-memory', dir], /--dump-memory: cannot write .*EISDIR/);
  });

  it('a valid scenario whose rings do not fit in the guest', () => {
    const path = file(
      'cramped.json',
      JSON.stringify({
        version: 1,
        name: 'cramped',
        title: 'Cramped',
        features: ['VERSION_1', 'BLK_F_MQ'],
        queue: { size: 1024, count: 16 },
        guest: { memory: 65536 },
        workload: { ops: [{ op: 'read' }] },
      }),
    );
    fails(['run', path], /the guest cannot set up the device: .*out of guest memory/);
  });
});

describe('the virtio-viz binary', () => {
  it('runs from the checkout and prints the summary as JSON', () => {
    const out = execFileSync(process.execPath, ['bin/virtio-viz.mjs', 'run', 'single-read'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const s = JSON.parse(out) as RunSummary;
    expect(s).toMatchObject({ scenario: 'single-read', end: 'completed', requests: 1, completed: 1 });
  }, 30_000);

  it('exits non-zero with the message on stderr', () => {
    const r = spawnSync(process.execPath, ['bin/virtio-viz.mjs', 'run', 'no-such-scenario'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^virtio-viz: unknown scenario "no-such-scenario"/);
  }, 30_000);
});
