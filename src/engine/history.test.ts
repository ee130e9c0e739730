import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { History } from './history';
import type { MachineImages, MachineSnapshot, Replayable } from './snapshot';
import { diffPages, PAGE_SIZE, writeNewest, type PageDiff } from './pageDiff';

/** A toy deterministic machine: each step writes a pseudo-random byte somewhere in memory and on disk. */
class ToyMachine implements Replayable {
  stepCount = 0;
  memory = new Uint8Array(64 * 1024);
  disk = new Uint8Array(16 * 1024);
  aux = new Uint8Array(PAGE_SIZE + 8);
  private rng = 12345;
  /** `pad`: bytes of repetitive JSON carried in the state, like the machine's request tables. */
  constructor(
    private readonly end = Infinity,
    private readonly pad = 0,
  ) {}
  private next(): number {
    this.rng = (Math.imul(this.rng, 1103515245) + 12345) >>> 0;
    return this.rng;
  }
  stepOnce(): boolean {
    if (this.stepCount >= this.end) return false;
    const r = this.next();
    this.memory[r % this.memory.length] = r >>> 24;
    if (r % 7 === 0) this.disk[r % this.disk.length] = r >>> 16;
    if (r % 5 === 0) this.aux[r % this.aux.length] = r >>> 8;
    this.stepCount++;
    return true;
  }
  snapshot(): MachineSnapshot {
    return {
      step: this.stepCount,
      memory: this.memory.slice(),
      disk: this.disk.slice(),
      aux: this.aux.slice(),
      state: JSON.stringify({ rng: this.rng, pad: 'req '.repeat(this.pad / 4) + String(this.rng) }),
    };
  }
  images(): MachineImages {
    return { memory: this.memory, disk: this.disk, aux: this.aux };
  }
  restoreState(step: number, state: string): void {
    this.stepCount = step;
    this.rng = (JSON.parse(state) as { rng: number }).rng;
  }
}

const runFresh = (k: number, pad = 0) => {
  const m = new ToyMachine(Infinity, pad);
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
      expect(Buffer.compare(m.aux, fresh.aux)).toBe(0);
      expect(m.snapshot().state).toBe(fresh.snapshot().state);
    }
    expect(h.furthestStep).toBe(3000);
  });

  it("writes a jump into the machine's own images, not copies of them", () => {
    const m = new ToyMachine();
    const { memory, disk, aux } = m;
    const h = new History(m, { interval: 50, keyframeEvery: 5 });
    for (let i = 0; i < 1000; i++) h.forward();
    h.jump(420);
    expect(m.memory).toBe(memory);
    expect(m.disk).toBe(disk);
    expect(m.aux).toBe(aux);
    expect(Buffer.compare(m.aux, runFresh(420).aux)).toBe(0);
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

  it('stays within maxBytes by doubling the interval, and still jumps exactly', () => {
    const m = new ToyMachine(Infinity, 4096);
    const h = new History(m, { interval: 10, keyframeEvery: 8, maxBytes: 200_000 });
    for (let i = 0; i < 2000; i++) h.forward();
    expect(h.bytes).toBeLessThanOrEqual(200_000);
    expect(h.interval).toBeGreaterThan(10);
    for (const k of [1999, 7, 1000, 2000, 555]) {
      h.jump(k);
      expect(Buffer.compare(m.memory, runFresh(k).memory)).toBe(0);
      expect(Buffer.compare(m.aux, runFresh(k).aux)).toBe(0);
    }
  });

  it('refuses a byte limit that is not a number of bytes', () => {
    expect(() => new History(new ToyMachine(), { maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => new History(new ToyMachine(), { maxBytes: Number.NaN })).toThrow(/maxBytes/);
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
    const target = new Uint8Array(base.length).fill(0xee);
    writeNewest(target, base, [d]);
    expect(target).toEqual(cur);
  });

  it('writes the image that applying every diff in turn to the base makes, whatever the target held', () => {
    const len = PAGE_SIZE * 5 + 100;
    const edit = fc.record({ at: fc.nat(len - 1), value: fc.integer({ min: 1, max: 255 }) });
    fc.assert(
      fc.property(fc.array(fc.array(edit, { maxLength: 12 }), { maxLength: 6 }), fc.nat(255), (rounds, junk) => {
        const base = new Uint8Array(len).map((_, i) => i % 251);
        // The images after each round of edits, and the diff of each against the one before.
        const diffs: PageDiff[] = [];
        let prev = base;
        for (const round of rounds) {
          const next = prev.slice();
          for (const e of round) next[e.at] = e.value;
          diffs.push(diffPages(prev, next));
          prev = next;
        }
        const target = new Uint8Array(len).fill(junk);
        writeNewest(target, base, diffs);
        expect(Buffer.compare(target, prev)).toBe(0);
      }),
    );
  });

  it('refuses images of different sizes', () => {
    expect(() => writeNewest(new Uint8Array(10), new Uint8Array(11), [])).toThrow(/differ in size/);
  });
});
