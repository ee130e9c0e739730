import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkpointReplacer } from '../machine/checkpointJson';
import { builtinScenario } from '../scenario/builtin';
import type { RunTarget } from '../session';
import type { Granularity } from '../step';
import { spawnNodeWorker } from '../worker/nodeSpawn';
import { LocalClient } from './localClient';
import type { SimulationClient, SimulationState } from './types';
import { WorkerClient } from './workerClient';

const json = (x: unknown) => JSON.stringify(x, checkpointReplacer);

type Op =
  | { kind: 'step'; g: Granularity; n: number }
  | { kind: 'back'; g: Granularity }
  | { kind: 'jump'; to: number }
  | { kind: 'run'; target: RunTarget };

const granularity = fc.constantFrom<Granularity>('write', 'write', 'function', 'request');
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('step' as const), g: granularity, n: fc.integer({ min: 1, max: 12 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('back' as const), g: granularity }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('jump' as const), to: fc.nat({ max: 300 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      target: fc.constantFrom<RunTarget>('kick', 'interrupt', 'completion'),
    }),
  },
);

async function apply(c: SimulationClient, o: Op, length: number): Promise<SimulationState[]> {
  if (o.kind === 'step') {
    const out: SimulationState[] = [];
    for (let i = 0; i < o.n; i++) out.push(await c.step(o.g));
    return out;
  }
  if (o.kind === 'back') return [await c.back(o.g)];
  if (o.kind === 'jump') return [await c.jump(Math.min(o.to, length))];
  return [await c.runUntil(o.target)];
}

let clients: SimulationClient[] = [];
afterEach(() => {
  for (const c of clients) c.dispose();
  clients = [];
});

describe('WorkerClient', () => {
  // The worker path sends a worker no state when it holds the conductor's already, gets back only the machine
  // state after a played-out store, decodes only changed ring entries and compares only written pages: every
  // state must still equal the one the same commands give on one thread.
  it('gives the same states as LocalClient through steps, back, jumps and run-until', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('two-queues-two-iothreads', 'out-of-order', 'indirect', 'bad-guest-missing-barrier'),
        fc.array(op, { minLength: 1, maxLength: 10 }),
        async (name, ops) => {
          const scenario = builtinScenario(name)!;
          const worker = new WorkerClient(spawnNodeWorker);
          const local = new LocalClient();
          clients.push(worker, local);
          let w = await worker.load(scenario, 4);
          let l = await local.load(scenario, 4);
          for (const o of ops) {
            const ws = await apply(worker, o, w.timeline.length);
            const ls = await apply(local, o, l.timeline.length);
            ws.forEach((s, i) => {
              const t = ls[i]!;
              expect(json(s.view)).toBe(json(t.view));
              expect(json(s.current)).toBe(json(t.current));
              expect(s.stopped).toBe(t.stopped);
              expect(Buffer.compare(s.memory.slice(), t.memory.slice())).toBe(0);
            });
            w = ws.at(-1)!;
            l = ls.at(-1)!;
          }
          worker.dispose();
          local.dispose();
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);
});
