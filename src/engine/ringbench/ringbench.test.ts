import { describe, expect, it } from 'vitest';
import { ringThroughputNode } from './node';
import { benchLayout, validateBenchOptions } from './protocol';

// Correctness only: no timed assertions (the machine is shared). Each side checks every request on its own
// (the driver: each token back exactly once, in order, with used.len 0; the device: one readable bench buffer per
// chain), and the run fails if the device's pops and the driver's reclaims differ.
describe('ring throughput between two worker_threads', () => {
  for (const eventIdx of [false, true]) {
    it(`completes requests with every buffer returned once (EVENT_IDX ${eventIdx ? 'on' : 'off'})`, async () => {
      const r = await ringThroughputNode({ eventIdx, queueSize: 64, durationMs: 200, warmupMs: 20 });
      expect(r.requests).toBeGreaterThan(0);
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.opsPerSec).toBeCloseTo(r.requests / r.seconds);
      expect(r.kicks).toBeGreaterThan(0);
      expect(r.interrupts).toBeGreaterThanOrEqual(0);
    }, 20_000);
  }

  // The hand-written reference, and mixed pairs: the two implementations share the layout and the protocol, so
  // either driver can face either device.
  const pairs = [
    // No deviceImpl: the device follows the driver's impl.
    { impl: 'hand-written', deviceImpl: undefined, eventIdx: false },
    { impl: 'hand-written', deviceImpl: undefined, eventIdx: true },
    { impl: 'engine', deviceImpl: 'hand-written', eventIdx: true },
    { impl: 'hand-written', deviceImpl: 'engine', eventIdx: true },
  ] as const;
  for (const { impl, deviceImpl, eventIdx } of pairs) {
    it(`runs a ${impl} driver with a ${deviceImpl ?? impl} device (EVENT_IDX ${eventIdx ? 'on' : 'off'})`, async () => {
      const r = await ringThroughputNode({ impl, deviceImpl, eventIdx, queueSize: 64, durationMs: 200, warmupMs: 20 });
      expect(r.requests).toBeGreaterThan(0);
      expect(r.kicks).toBeGreaterThan(0);
    }, 20_000);
  }

  it('runs a queue of one (every request waits for the previous one), and counts from the start without a warm-up', async () => {
    const r = await ringThroughputNode({ eventIdx: true, queueSize: 1, durationMs: 100, warmupMs: 0 });
    expect(r.requests).toBeGreaterThan(0);
  }, 20_000);

  it('rejects a queue size that is not a power of two, and a duration that is not positive', async () => {
    await expect(ringThroughputNode({ eventIdx: false, queueSize: 100, durationMs: 10 })).rejects.toThrow(/power/);
    expect(() => validateBenchOptions({ eventIdx: false, queueSize: 8, durationMs: 0 })).toThrow(/durationMs/);
    expect(() => validateBenchOptions({ eventIdx: false, queueSize: 8, durationMs: 5, warmupMs: -1 })).toThrow(/warm/);
    const impl = 'rust' as unknown as 'engine';
    expect(() => validateBenchOptions({ impl, eventIdx: false, queueSize: 8, durationMs: 5 })).toThrow(/impl/);
    expect(() => validateBenchOptions({ deviceImpl: impl, eventIdx: false, queueSize: 8, durationMs: 5 })).toThrow(
      /deviceImpl/,
    );
  });
});

describe('bench layout', () => {
  it('puts the used ring on its own page and the buffers after the ring', () => {
    const l = benchLayout(256);
    expect(l.addrs).toEqual({ size: 256, desc: 0, avail: 4096, used: 8192 });
    expect(l.buffers).toBe(12288);
    expect(l.memSize).toBe(12288 + 256 * 4096);
  });
});
