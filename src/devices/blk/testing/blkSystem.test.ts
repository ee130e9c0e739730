import { describe, expect, it } from 'vitest';
import { BlkSystem } from './blkSystem';

const pattern = (sectors: number, seed: number) =>
  Uint8Array.from({ length: sectors * 512 }, (_, i) => (i * 7 + seed) & 0xff);

function make(opts: Parameters<typeof BlkSystem.create>[0] = {}) {
  const r = BlkSystem.create(opts);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('BlkSystem', () => {
  it('writes then reads back through the rings', () => {
    const sys = make();
    const w = sys.submit({ op: 'write', sector: 10, data: pattern(2, 1) });
    sys.runUntilIdle();
    expect(w.result).toBe('BLK_STS_OK');
    const r = sys.submit({ op: 'read', sector: 10, nsectors: 2 });
    sys.runUntilIdle();
    expect(r.result).toBe('BLK_STS_OK');
    expect(r.readData).toEqual(pattern(2, 1));
    expect(r.usedLen).toBe(2 * 512 + 1);
    expect(w.usedLen).toBe(1);
    expect(sys.driver.vqs[0]!.state.num_free).toBe(256);
    expect(sys.device.counters.completed).toBe(2);
  });
});
