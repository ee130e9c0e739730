import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IoScheduler } from './completion';

const items = (done: { item: string }[]) => done.map((d) => d.item);

describe('IoScheduler', () => {
  it('completes after a fixed latency, in submission order by default', () => {
    const s = new IoScheduler<string>({ latency: { kind: 'fixed', ticks: 2 } });
    s.submit('a');
    s.submit('b');
    expect(s.tick()).toEqual([]);
    s.submit('c'); // due at 3
    const done = s.tick();
    expect(items(done)).toEqual(['a', 'b']);
    expect(done[0]).toMatchObject({ submitTick: 0, dueTick: 2, completeTick: 2, seq: 0 });
    expect(s.size).toBe(1);
    expect(items(s.tick())).toEqual(['c']);
    expect(s.now).toBe(3);
  });

  it('completes ready requests in reverse order', () => {
    const s = new IoScheduler<number>({ order: 'reverse' });
    [1, 2, 3].forEach((n) => s.submit(n));
    expect(s.tick().map((d) => d.item)).toEqual([3, 2, 1]);
  });

  it('completes latency-0 requests at the current tick with completeReady', () => {
    const s = new IoScheduler<number>({ latency: { kind: 'fixed', ticks: 0 } });
    s.submit(1);
    expect(s.completeReady().map((d) => d.item)).toEqual([1]);
    expect(s.completeReady()).toEqual([]);
    expect(s.now).toBe(0);
  });

  it('random order and random latency are deterministic per seed', () => {
    const run = (seed: number) => {
      const s = new IoScheduler<number>({ latency: { kind: 'range', min: 0, max: 5 }, order: 'random', seed });
      for (let i = 0; i < 30; i++) s.submit(i);
      return s.advance(6).map((d) => [d.item, d.completeTick]);
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    expect(run(5)).toHaveLength(30);
  });

  it('random order is a permutation of the ready set; latency stays in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 3 }), fc.nat({ max: 4 }), fc.nat({ max: 40 }), (seed, min, span, n) => {
        const s = new IoScheduler<number>({ latency: { kind: 'range', min, max: min + span }, order: 'random', seed });
        const subs = Array.from({ length: n }, (_, i) => s.submit(i));
        for (const io of subs) {
          expect(io.dueTick - io.submitTick).toBeGreaterThanOrEqual(min);
          expect(io.dueTick - io.submitTick).toBeLessThanOrEqual(min + span);
        }
        const done = [...s.completeReady(), ...s.advance(min + span)];
        expect(done.map((d) => d.item).sort((a, b) => a - b)).toEqual(subs.map((x) => x.item));
        for (const d of done) expect(d.completeTick).toBe(d.dueTick);
        expect(s.size).toBe(0);
      }),
    );
  });

  it('reports the next due tick, cancels, and changes latency', () => {
    const s = new IoScheduler<string>({ latency: { kind: 'fixed', ticks: 3 } });
    expect(s.nextDue()).toBeNull();
    s.submit('x');
    s.setLatency({ kind: 'fixed', ticks: 1 });
    s.submit('y');
    expect(s.nextDue()).toBe(1);
    expect(s.cancel((i) => i === 'y').map((d) => d.item)).toEqual(['y']);
    expect(s.pending.map((p) => p.item)).toEqual(['x']);
    expect(s.nextDue()).toBe(3);
  });

  it('rejects invalid latencies and tick counts', () => {
    expect(() => new IoScheduler({ latency: { kind: 'fixed', ticks: -1 } })).toThrow(RangeError);
    expect(() => new IoScheduler({ latency: { kind: 'range', min: 3, max: 2 } })).toThrow(RangeError);
    expect(() => new IoScheduler({ latency: { kind: 'fixed', ticks: 0.5 } })).toThrow(RangeError);
    expect(() => new IoScheduler().advance(-1)).toThrow(RangeError);
  });

  it('restores from a checkpoint and replays identically', () => {
    const s = new IoScheduler<number>({ latency: { kind: 'range', min: 1, max: 4 }, order: 'random', seed: 9 });
    for (let i = 0; i < 10; i++) s.submit(i);
    s.tick();
    const state = s.getState();
    const pending = s.pending.map((p) => ({ ...p }));
    const future = () => {
      const out = [];
      for (let i = 10; i < 20; i++) s.submit(i);
      out.push(...s.advance(6).map((d) => [d.item, d.completeTick]));
      return out;
    };
    const first = future();
    s.setState(state);
    s.restorePending(pending);
    expect(future()).toEqual(first);
  });

  it('passes time without completing, then completes only what a filter accepts', () => {
    const s = new IoScheduler<number>({ latency: { kind: 'fixed', ticks: 2 } });
    [1, 2, 3, 4].forEach((n) => s.submit(n));
    s.passTime(2);
    expect(s.now).toBe(2);
    expect(s.size).toBe(4);
    expect(s.dueCount()).toBe(4);
    expect(s.dueCount((n) => n % 2 === 0)).toBe(2);
    expect(s.completeReady((n) => n % 2 === 0).map((d) => d.item)).toEqual([2, 4]);
    expect(s.pending.map((p) => p.item)).toEqual([1, 3]);
    expect(s.completeReady().map((d) => d.completeTick)).toEqual([2, 2]);
    expect(() => s.passTime(-1)).toThrow(RangeError);
  });
});
