import type { StepRecord } from '../step';

/** A step record for tests: a no-op action of vcpu0 in virtqueue_add_split, with `over` on top. */
export function stepRecord(over: Partial<StepRecord> = {}): StepRecord {
  const fn = over.fn ?? 'virtqueue_add_split';
  const call = over.call ?? 1;
  return {
    index: 0,
    actor: 'vcpu0',
    fn,
    source: 'linux',
    kind: 'action',
    explain: '',
    message: { key: 'noop', params: {} },
    writes: [],
    events: [],
    call,
    callEnd: false,
    frames: [{ fn, call }],
    operation: 1,
    ...over,
  };
}
