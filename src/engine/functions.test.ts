import { describe, expect, it } from 'vitest';
import { ENGINE_FUNCTIONS, functionsLike } from './functions';
import { Machine } from './machine/machine';
import { BUILTIN_SCENARIOS } from './scenario/builtin';
import { FAULT_KINDS, type Scenario } from './scenario/schema';

/** Every built-in scenario, and each fault injected into a batch with and without EVENT_IDX. */
function scenarios(): Scenario[] {
  const byName = (n: string) => BUILTIN_SCENARIOS.find((s) => s.name === n)!;
  const withFault = (s: Scenario, kind: (typeof FAULT_KINDS)[number], atRequest: number): Scenario => ({
    ...s,
    faults: [{ kind, atRequest }],
  });
  return [
    ...BUILTIN_SCENARIOS,
    ...FAULT_KINDS.map((k) => withFault(byName('write-batch-event-idx'), k, 1)),
    ...FAULT_KINDS.map((k) => withFault(byName('write-batch-flags'), k, 0)),
  ];
}

describe('the functions a step can be in', () => {
  it('ENGINE_FUNCTIONS names every function any step of any scenario or fault is in', () => {
    const seen = new Set<string>();
    for (const s of scenarios()) {
      const m = new Machine({ scenario: s, seed: 1 });
      m.onStep = (r) => {
        seen.add(r.fn);
        for (const f of r.frames) seen.add(f.fn);
      };
      for (let n = 0; n < 3000 && m.stepOnce(); n++) {
        /* stepping */
      }
    }
    expect([...seen].filter((fn) => !ENGINE_FUNCTIONS.includes(fn))).toEqual([]);
  }, 60_000);

  it('each step is in its own innermost call, which a later call of the same function does not share', () => {
    const m = new Machine({ scenario: BUILTIN_SCENARIOS.find((s) => s.name === 'single-read')!, seed: 1 });
    const calls = new Map<number, Set<number>>();
    m.onStep = (r) => {
      expect(r.frames.at(-1)?.call).toBe(r.call);
      if (r.fn === 'virtqueue_add_desc_split')
        (calls.get(r.call) ?? calls.set(r.call, new Set()).get(r.call)!).add(r.index);
    };
    while (m.stepOnce()) {
      /* to the end */
    }
    // Three descriptors, three calls of four stores each.
    expect([...calls.values()].map((s) => s.size)).toEqual([4, 4, 4]);
  });

  it('frames show only calls the real code makes: no function directly inside itself, no completion inside the handler', () => {
    const m = new Machine({ scenario: BUILTIN_SCENARIOS.find((s) => s.name === 'single-read')!, seed: 1 });
    const stacks: string[] = [];
    m.onStep = (r) => {
      const names = r.frames.map((f) => f.fn);
      stacks.push(names.join(' > '));
      names.slice(1).forEach((fn, i) => expect(fn, names.join(' > ')).not.toBe(names[i]));
      if (names.includes('virtio_blk_rw_complete')) expect(names).not.toContain('virtio_blk_handle_output');
    };
    while (m.stepOnce()) {
      /* to the end */
    }
    expect(stacks).toContain(
      'blk_mq_run_hw_queue > virtio_queue_rq > virtblk_add_req > virtqueue_add_sgs > virtqueue_add > virtqueue_add_split > virtqueue_add_desc_split',
    );
    expect(stacks).toContain('virtio_blk_handle_output > virtio_blk_handle_vq > virtqueue_pop > virtqueue_split_pop');
    expect(stacks).toContain('virtio_blk_rw_complete');
  });

  it('suggests known names that share a word with an unknown one', () => {
    expect(functionsLike('virtqueue_add_sg')).toContain('virtqueue_add_sgs');
    expect(functionsLike('zzz')).toEqual([]);
  });
});
