import { describe, expect, it } from 'vitest';
import { History } from './history';
import type { MachineSnapshot, Replayable } from './snapshot';
import { diffPages, applyPages, PAGE_SIZE } from './pageDiff';

/** A toy deterministic machine: each step writes a pseudo-random byte somewhere in memory and on disk. */
class ToyMachine implements Replayable {
  stepCount = 0;
  memory = new Uint8Array(64 * 1024);
  disk = new Uint8Array(16 * 1024);
  private rng = 12345;
  constructor(private readonly end = Infinity) {}
  private next(): number {
    this.rng = (Math.imul(this.rng, 1103515245) + 12345) >>> 0;
    return this.rng;
  }
  stepOnce(): boolean {
    if (this.stepCount >= this.end) return false;
    const r = this.next();
    this.memory[r % this.memory.length] = r >>> 24;
    if (r % 7 === 0) this.disk[r % this.disk.length] = r >>> 16;
    this.stepCount++;
    return true;
  }
  snapshot(): MachineSnapshot {
    return {
      step: this.stepCount,
      memory: this.memory.slice(),
      disk: this.disk.slice(),
      aux: new Uint8Array(8),
      state: JSON.stringify({ rng: this.rng }),
    };
  }
  restore(s: MachineSnapshot): void {
    this.stepCount = s.step;
    this.memory.set(s.memory);
    this.disk.set(s.disk);
    this.rng = (JSON.parse(s.state) as { rng: number }).rng;
  }
}

const runFresh = (k: number) => {
  const m = new ToyMachine();
  while (m.stepCount < k) m.stepOnce();
  return m;
};

describe('History', () => {
  it('jumps back and forth to exactly the state a fresh run reaches', () => {
    const m = new ToyMachine();
    const h = new History(m, { interval: 100, keyframeEvery: 4 });
    for (let i = 0; i < 2500; i++) h.forward();
    for (const k of [0, 1, 99, 100, 101, 777, 2500, 1234, 3000, 5]) {
      expect(h.jump(k)).toBe(k);
      const fresh = runFresh(k);
      expect(Buffer.compare(m.memory, fresh.memory)).toBe(0);
      expect(Buffer.compare(m.disk, fresh.disk)).toBe(0);
      expect(m.snapshot().state).toBe(fresh.snapshot().state);
    }
    expect(h.furthestStep).toBe(3000);
  });

  it('stops a jump at the end of the run', () => {
    const m = new ToyMachine(50);
    const h = new History(m, { interval: 16 });
    expect(h.jump(80)).toBe(50);
  });

  it('stores page diffs between keyframes, so memory grows with dirtied pages', () => {
    const m = new ToyMachine();
    const h = new History(m, { interval: 10, keyframeEvery: 1000 });
    for (let i = 0; i < 1000; i++) h.forward();
    // 101 checkpoints; a full copy each would be 101 * 80 KiB. Ten writes dirty at most ten pages per checkpoint.
    expect(h.checkpointCount).toBe(101);
    expect(h.bytes).toBeLessThan(80 * 1024 + 100 * 11 * PAGE_SIZE + 100 * 200);
  });

  it('truncates checkpoints beyond a step', () => {
    const m = new ToyMachine();
    const h = new History(m, { interval: 10 });
    for (let i = 0; i < 100; i++) h.forward();
    h.jump(35);
    h.truncate(35);
    expect(h.checkpointCount).toBe(4);
    expect(h.furthestStep).toBe(35);
    for (let i = 0; i < 30; i++) h.forward();
    h.jump(50);
    expect(m.memory).toEqual(runFresh(50).memory);
  });

  it('stays within maxCheckpoints by doubling the interval, and still jumps exactly', () => {
    const m = new ToyMachine();
    const h = new History(m, { interval: 10, keyframeEvery: 3, maxCheckpoints: 8 });
    for (let i = 0; i < 1000; i++) h.forward();
    expect(h.checkpointCount).toBeLessThanOrEqual(8);
    expect(h.interval).toBeGreaterThanOrEqual(1000 / 8);
    for (const k of [0, 5, 333, 640, 999, 1000, 12]) {
      h.jump(k);
      expect(Buffer.compare(m.memory, runFresh(k).memory)).toBe(0);
      expect(Buffer.compare(m.disk, runFresh(k).disk)).toBe(0);
    }
  });

  it('rejects a negative jump', () => {
    const h = new History(new ToyMachine());
    expect(() => h.jump(-1)).toThrow(RangeError);
  });
});

describe('page diffs', () => {
  it('round-trips, including a short last page', () => {
    const base = new Uint8Array(PAGE_SIZE * 3 + 10);
    const cur = base.slice();
    cur[5] = 1;
    cur[PAGE_SIZE * 3 + 9] = 2;
    const d = diffPages(base, cur);
    expect(Array.from(d.pages)).toEqual([0, 3]);
    const target = base.slice();
    applyPages(target, d);
    expect(target).toEqual(cur);
  });
});
