import { describe, expect, it } from 'vitest';
import type { MachineView } from '../../engine/view';
import { showsErrors } from './errors';

const view = (over: Partial<MachineView>): MachineView =>
  ({ deviceStatus: 15, errors: [], ended: null, ...over }) as MachineView;

describe('showsErrors', () => {
  it('is quiet for a healthy device', () => {
    expect(showsErrors(view({}))).toBe(false);
    expect(showsErrors(view({ ended: 'completed' }))).toBe(false);
  });

  it('speaks when the device sets NEEDS_RESET or a side ended in error', () => {
    expect(showsErrors(view({ deviceStatus: 15 | 64 }))).toBe(true);
    expect(showsErrors(view({ ended: 'driver-error' }))).toBe(true);
  });
});
