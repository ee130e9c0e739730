import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkpointReplacer } from './machine/checkpointJson';
import { builtinScenario } from './scenario/builtin';
import { Session } from './session';
import { describe as describeMachine, type MachineView } from './view';
import { ViewBuilder } from './viewBuilder';

const json = (x: unknown) => JSON.stringify(x, checkpointReplacer);

type Op = { kind: 'step'; n: number } | { kind: 'back' } | { kind: 'jump'; to: number } | { kind: 'poke'; at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('step' as const), n: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('back' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('jump' as const), to: fc.nat({ max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('poke' as const), at: fc.nat() }) },
);

/** Carries out `o`; `check` after every step of a 'step' op (a view per step, as the UI takes them) and at the end. */
function run(s: Session, o: Op, check: () => void): void {
  if (o.kind === 'step') {
    for (let i = 0; i < o.n; i++) {
      s.stepOnce();
      check();
    }
    return;
  }
  if (o.kind === 'back') s.back('write');
  else if (o.kind === 'jump') s.jump(Math.min(o.to, s.log.length));
  else {
    // A stray store into a ring (as a bad device or a debugger would make): the view must show memory as it is.
    const vq = s.machine.driver.vqs[o.at % s.machine.driver.vqs.length]!;
    const { desc, used, size } = vq.ring.addrs;
    const bytes = new Uint8Array(s.machine.mem.buffer);
    const at = o.at % 2 === 0 ? desc + (o.at % (16 * size)) : used + 4 + (o.at % (8 * size));
    bytes[at] = (bytes[at]! + 1) & 0xff;
  }
  check();
}

describe('ViewBuilder', () => {
  it.each(['out-of-order', 'indirect', 'bad-guest-looped-chain', 'two-queues-two-iothreads'])(
    '%s: every view equals a fresh decode, and unchanged parts keep their objects',
    (name) => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
          const s = new Session(builtinScenario(name)!, 3);
          const builder = new ViewBuilder();
          let prev: MachineView | null = builder.describe(s.machine, null);
          const check = () => {
            const fresh = describeMachine(s.machine);
            const built = builder.describe(s.machine, prev);
            expect(json(built)).toBe(json(fresh));
            built.queues.forEach((q, i) => {
              const p = prev!.queues[i]!;
              // Each part equal to the last view's is the last view's object (equal fields mean equal bytes).
              if (json(q.desc) === json(p.desc)) expect(q.desc).toBe(p.desc);
              if (json(q.used.ring) === json(p.used.ring)) expect(q.used.ring).toBe(p.used.ring);
              if (json(q.avail.ring) === json(p.avail.ring)) expect(q.avail.ring).toBe(p.avail.ring);
              q.desc.forEach((d, k) => {
                if (json(d) === json(p.desc[k])) expect(d).toBe(p.desc[k]);
              });
            });
            prev = built;
          };
          for (const o of ops) run(s, o, check);
        }),
        { numRuns: 25 },
      );
    },
    120_000,
  );

  it('decodes afresh for another queue size, or without a previous view', () => {
    const a = new Session(builtinScenario('single-read')!, 1);
    const one = builtinScenario('single-read')!;
    const b = new Session({ ...one, queue: { ...one.queue, size: one.queue.size * 2 } }, 1);
    const builder = new ViewBuilder();
    const va = builder.describe(a.machine, null);
    const vb = builder.describe(b.machine, va);
    expect(json(vb)).toBe(json(describeMachine(b.machine)));
    expect(vb.queues[0]!.desc).not.toBe(va.queues[0]!.desc);
    const again = builder.describe(b.machine, null);
    expect(json(again)).toBe(json(vb));
    expect(again.queues[0]!.desc).not.toBe(vb.queues[0]!.desc);
  });
});
