import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from '../scenario/builtin';
import type { StepRecord } from '../step';
import { Machine } from './machine';

const steps = (name: string, seed = 1): StepRecord[] => {
  const m = new Machine({ scenario: builtinScenario(name)!, seed });
  const records: StepRecord[] = [];
  m.onStep = (r) => records.push(r);
  while (m.stepOnce()) {
    /* to the end */
  }
  return records;
};

/** Functions of the submission path: Linux runs them in the submitting task or in kblockd, never in virtblk_done. */
const SUBMISSION =
  /^(virtio_queue_rq|virtblk_(setup_cmd|prep_rq|map_data|add_req)|virtqueue_add|alloc_indirect_split|virtqueue_kick_prepare|virtqueue_notify$|virtio_commit_rqs|blk_mq_run)/;

describe('requests a completion lets in run on the vCPU, not in the interrupt handler', () => {
  it.each(BUILTIN_SCENARIOS.map((s) => s.name).filter((n) => n !== 'random-soak'))('%s', (name) => {
    const irqSubmits = steps(name).filter((r) => r.actor === 'irq' && SUBMISSION.test(r.fn));
    expect(irqSubmits.map((r) => `${r.index} ${r.fn}`)).toEqual([]);
  });

  it('index-wrap: request 4 waits for a tag, and vcpu0 adds it once the handler has freed one', () => {
    const records = steps('index-wrap');
    const setup = records.find((r) => r.fn === 'virtblk_setup_cmd' && r.request === 4)!;
    expect(setup.actor).toBe('vcpu0');
    const before = records[setup.index - 1]!;
    // Guest-first: the handler's operation ends, then the vCPU's deferred run starts.
    expect(before.actor).toBe('irq');
    expect(records.filter((r) => r.message.key === 'avail.idx' && r.actor !== 'vcpu0')).toEqual([]);
  });

  it('ring-full: the queue stopped at -ENOSPC is run again by vcpu0 after virtblk_done restarts it', () => {
    const records = steps('ring-full');
    const full = records.findIndex((r) => r.events.some((e) => e.type === 'ring-full'));
    expect(full).toBeGreaterThan(0);
    const next = records.slice(full + 1).find((r) => r.fn === 'virtblk_setup_cmd' || r.fn === 'virtqueue_add_split');
    expect(next?.actor).toBe('vcpu0');
  });
});
