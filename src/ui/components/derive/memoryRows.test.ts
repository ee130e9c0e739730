import { describe, expect, it } from 'vitest';
import type { Region } from '../../../virtio/allocationMap';
import type { GuestAddr } from '../../../virtio/types';
import { memoryRows, regionIndexAt } from './memoryRows';

const region = (start: number, size: number, label: string): Region => ({
  start: start as GuestAddr,
  size,
  kind: 'other',
  label,
});

describe('memoryRows', () => {
  it('shows allocated lines only, labels each region and counts the unused bytes between', () => {
    const regions = [region(0x1000, 0x20, 'a'), region(0x2000, 4, 'b')];
    const rows = memoryRows(regions, 0x3000);
    expect(rows).toEqual([
      { type: 'gap', start: 0, bytes: 0x1000 },
      { type: 'region', region: regions[0], index: 0 },
      { type: 'line', addr: 0x1000 },
      { type: 'line', addr: 0x1010 },
      { type: 'gap', start: 0x1020, bytes: 0x2000 - 0x1020 },
      { type: 'region', region: regions[1], index: 1 },
      { type: 'line', addr: 0x2000 },
      { type: 'gap', start: 0x2004, bytes: 0x3000 - 0x2004 },
    ]);
  });

  it('draws a line shared by two regions once, labelling the second after it', () => {
    const regions = [region(0x1000, 6, 'a'), region(0x1006, 1, 'b'), region(0x1007, 0x10, 'c')];
    const rows = memoryRows(regions, 0x1017);
    expect(rows.map((r) => (r.type === 'line' ? r.addr : r.type === 'region' ? r.region.label : 'gap'))).toEqual([
      'gap',
      'a',
      0x1000,
      'b',
      'c',
      0x1010,
    ]);
  });

  it('has no gap rows when memory is fully allocated', () => {
    expect(memoryRows([region(0, 32, 'all')], 32).filter((r) => r.type === 'gap')).toEqual([]);
  });
});

describe('regionIndexAt', () => {
  const regions = [region(16, 16, 'a'), region(40, 8, 'b')];
  it('finds the region holding an address, or -1', () => {
    expect(regionIndexAt(regions, 15)).toBe(-1);
    expect(regionIndexAt(regions, 16)).toBe(0);
    expect(regionIndexAt(regions, 31)).toBe(0);
    expect(regionIndexAt(regions, 32)).toBe(-1);
    expect(regionIndexAt(regions, 47)).toBe(1);
    expect(regionIndexAt(regions, 48)).toBe(-1);
  });
});
