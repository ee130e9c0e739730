import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../engine/step';
import { changedAddresses } from './changed';

const record = (writes: StepRecord['writes']): StepRecord => ({
  index: 0,
  actor: 'vcpu0',
  fn: 'virtqueue_add_split',
  source: 'linux',
  kind: 'write',
  explain: '',
  message: { key: 'noop', params: {} },
  writes,
  events: [],
  call: 1,
  callEnd: false,
  frames: [],
  operation: 1,
});

describe('changedAddresses', () => {
  it('is empty at step 0 and for a step that wrote nothing', () => {
    expect(changedAddresses(null).size).toBe(0);
    expect(changedAddresses(record([])).size).toBe(0);
  });

  it('covers every byte of every write', () => {
    const set = changedAddresses(
      record([
        { addr: 0x1000, old: '0000', new: '0100' },
        { addr: 0x2000, old: '00', new: 'ff' },
      ]),
    );
    expect([...set].sort((a, b) => a - b)).toEqual([0x1000, 0x1001, 0x2000]);
  });
});
