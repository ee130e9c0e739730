import { describe, expect, it } from 'vitest';
import { parseTrace } from './parser';
import { countersAt, depthSeries, lastAtOrBefore, latencyStats, queueStateAt, requestAt, resetEvents } from './query';
import { L, VQ1, text } from './testing/lines';

const history = (lines: string[]) => {
  const r = parseTrace({ name: 'q.log', text: text(lines) });
  if (!r.ok || r.partial) throw new Error('did not parse');
  return r.value;
};

describe('trace queries', () => {
  it('lastAtOrBefore finds the last entry not after x', () => {
    const list = Uint32Array.of(2, 5, 9);
    expect([0, 2, 4, 5, 8, 9, 100].map((x) => lastAtOrBefore(list, x))).toEqual([-1, 0, 0, 1, 1, 2, 2]);
  });

  it('depthSeries: the most in flight in each span, carried over spans with no event of the queue', () => {
    const h = history([L.kick(), L.pop('0xa'), L.pop('0xb'), L.pop('0xc'), L.status(15), L.status(15), L.status(15)]);
    expect(depthSeries(h, 0, 7).map((p) => p.max)).toEqual([0, 1, 2, 3, 3, 3, 3]);
    expect(depthSeries(h, 0, 2).map((p) => p.max)).toEqual([3, 3]);
    expect(depthSeries(h, 5, 10)).toEqual([]);
  });

  it('resetEvents: the status writes of 0, and no other status write', () => {
    const h = history([L.status(15), L.kick(), L.status(0), L.status(15), L.status(0)]);
    expect(resetEvents(h)).toEqual([2, 4]);
  });

  it('countersAt one queue or all of them', () => {
    const h = history([L.kick(0), L.kick(1, VQ1), L.pop('0xa', 1, 1, VQ1), L.irq(VQ1)]);
    expect(countersAt(h, 1, 3)).toMatchObject({ requests: 1, kicks: 1, interrupts: 1 });
    expect(countersAt(h, -1, 3)).toMatchObject({ requests: 1, kicks: 2, interrupts: 1, kicksPerRequest: 2 });
    expect(countersAt(h, 0, 3)).toMatchObject({ requests: 0, kicksPerRequest: null });
  });

  it('an interrupt counts whether QEMU traced it as virtio_notify_irqfd (IOThread) or virtio_notify', () => {
    const h = history([L.kick(0), L.pop('0xa'), L.irq(), L.kick(1, VQ1), L.pop('0xb', 1, 1, VQ1), L.notify(VQ1)]);
    expect(countersAt(h, 0, 5)).toMatchObject({ requests: 1, interrupts: 1 });
    expect(countersAt(h, 1, 5)).toMatchObject({ requests: 1, interrupts: 1 });
    expect(countersAt(h, -1, 5)).toMatchObject({ interrupts: 2 });
  });

  it('a request seen before its later events knows only what had happened', () => {
    const h = history([L.kick(), L.pop('0xa'), L.read('0xa', 64, 8), L.done('0xa', 1), L.fill('0xa'), L.flush()]);
    expect(requestAt(h, 0, 1)).toMatchObject({ op: 'unknown', sector: null, status: null, stage: 'popped' });
    expect(requestAt(h, 0, 3)).toMatchObject({ op: 'read', sector: 64, status: 1, stage: 'completed' });
    expect(requestAt(h, 0, 5).stage).toBe('flushed');
    expect(queueStateAt(h, 0, -1)).toEqual({ last_avail_idx: 0, used_idx: 0, inuse: 0, inFlight: 0 });
  });

  it('latencyStats needs timestamps', () => {
    expect(latencyStats(history([L.kick(), L.pop('0xa'), L.done('0xa')]), 0)).toBeNull();
  });
});
