import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../engine/step';
import { stepRecord } from '../../engine/testing/stepRecord';
import { changedAddresses } from './changed';

const record = (writes: StepRecord['writes']): StepRecord => stepRecord({ kind: 'write', writes });

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
