import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationError, AllocationMap, type Region } from './allocationMap';

const span = (r: Region) => [r.start, r.start + r.size] as const;

describe('AllocationMap construction', () => {
  it.each([0, -1, 1.5, NaN])('refuses memory size %d', (n) => {
    expect(() => new AllocationMap(n)).toThrow(AllocationError);
  });
  it('defaults the heap to start at 0x1000', () => {
    const m = new AllocationMap(0x10000);
    expect(m.heapStart).toBe(0x1000);
    expect(m.allocate(1, 1, 'other', 'x').start).toBe(0x1000);
  });
});

describe('allocate', () => {
  it('places regions first-fit from heapStart, each aligned as asked', () => {
    const m = new AllocationMap(0x10000, 0x1000);
    const a = m.allocate(4096, 16, 'desc-table', 'vq0 descriptor table', { queue: 0 });
    const b = m.allocate(518, 2, 'avail-ring', 'vq0 available ring', { queue: 0 });
    const c = m.allocate(2054, 4, 'used-ring', 'vq0 used ring', { queue: 0 });
    const d = m.allocate(1, 4096, 'other', 'page');
    expect(span(a)).toEqual([0x1000, 0x2000]);
    expect(span(b)).toEqual([0x2000, 0x2206]);
    expect(c.start).toBe(0x2208); // 0x2206 rounded up to 4
    expect(d.start).toBe(0x3000);
    expect(c).toEqual({ start: 0x2208, size: 2054, kind: 'used-ring', label: 'vq0 used ring', queue: 0 });
    for (const [r, align] of [
      [a, 16],
      [b, 2],
      [c, 4],
      [d, 4096],
    ] as const)
      expect(r.start % align).toBe(0);
  });

  it('fills the first hole that is big enough, skipping smaller ones', () => {
    const m = new AllocationMap(0x10000, 0);
    const a = m.allocate(16, 1, 'other', 'a');
    m.allocate(16, 1, 'other', 'b');
    const c = m.allocate(64, 1, 'other', 'c');
    m.allocate(16, 1, 'other', 'd');
    m.free(a.start);
    m.free(c.start);
    // holes: [0,16) and [32,96)
    expect(m.allocate(32, 1, 'other', 'e').start).toBe(32);
    expect(m.allocate(8, 1, 'other', 'f').start).toBe(0);
    expect(m.allocate(8, 1, 'other', 'g').start).toBe(8);
    expect(m.allocate(32, 1, 'other', 'h').start).toBe(64);
    expect(m.allocate(1, 1, 'other', 'i').start).toBe(112);
  });

  it('keeps alignment padding out of the previous region, and aligns within a hole', () => {
    const m = new AllocationMap(0x1000, 0);
    m.reserve(0, 3, 'other', 'odd');
    m.reserve(64, 16, 'other', 'wall');
    expect(m.allocate(16, 16, 'other', 'x').start).toBe(16);
    expect(m.allocate(32, 16, 'other', 'y').start).toBe(32);
    expect(m.allocate(1, 16, 'other', 'z').start).toBe(80);
  });

  it('never allocates below heapStart even when there is room there', () => {
    const m = new AllocationMap(0x3000, 0x2000);
    expect(m.allocate(16, 1, 'other', 'a').start).toBe(0x2000);
    m.reserve(0x100, 16, 'other', 'low');
    expect(m.allocate(16, 1, 'other', 'b').start).toBe(0x2010);
  });

  it('is deterministic: the same requests give the same addresses', () => {
    const run = () => {
      const m = new AllocationMap(0x8000);
      const out = [m.allocate(100, 16, 'other', 'a'), m.allocate(7, 2, 'other', 'b')];
      m.free(out[0]!.start);
      out.push(m.allocate(50, 4, 'other', 'c'), m.allocate(300, 8, 'other', 'd'));
      return out.map((r) => r.start);
    };
    expect(run()).toEqual(run());
  });

  it('uses memory up to the last byte, then reports out of memory', () => {
    const m = new AllocationMap(0x2000, 0x1000);
    expect(span(m.allocate(0x1000, 1, 'other', 'all'))).toEqual([0x1000, 0x2000]);
    expect(() => m.allocate(1, 1, 'other', 'one more')).toThrow(
      /out of guest memory: cannot allocate 1 bytes for one more/,
    );
  });

  it('reports out of memory when alignment pushes a block past the end', () => {
    const m = new AllocationMap(0x1100, 0x1001);
    expect(() => m.allocate(0x100, 0x100, 'other', 'x')).toThrow(AllocationError);
    expect(m.allocate(0xff, 1, 'other', 'fits').start).toBe(0x1001);
  });

  it.each([0, -4, 1.5, NaN])('refuses size %d', (size) => {
    expect(() => new AllocationMap(0x1000, 0).allocate(size, 1, 'other', 'x')).toThrow(/is not positive/);
  });
  it.each([0, -2, 3, 6, 1.5, NaN])('refuses alignment %d', (align) => {
    expect(() => new AllocationMap(0x1000, 0).allocate(1, align, 'other', 'x')).toThrow(/not a power of two/);
  });
});

describe('reserve', () => {
  it('rejects any overlap, naming the region it hits', () => {
    const m = new AllocationMap(0x10000);
    m.reserve(0x1000, 0x100, 'desc-table', 'vq0 descriptor table');
    for (const [start, size] of [
      [0x1000, 1],
      [0x10ff, 1],
      [0xf00, 0x101],
      [0x1080, 0x1000],
      [0x0, 0x2000],
    ] as const) {
      expect(() => m.reserve(start, size, 'other', 'x')).toThrow(/it overlaps vq0 descriptor table/);
    }
    // Touching is not overlapping.
    expect(m.reserve(0xf00, 0x100, 'other', 'below').start).toBe(0xf00);
    expect(m.reserve(0x1100, 0x100, 'other', 'above').start).toBe(0x1100);
  });

  it.each([
    [-1, 4],
    [0, 0],
    [0, -1],
    [0.5, 4],
    [0xfffc, 8],
    [0x10000, 1],
  ])('rejects reserve(%d, %d) outside memory or empty', (start, size) => {
    expect(() => new AllocationMap(0x10000).reserve(start, size, 'other', 'x')).toThrow(/outside guest memory/);
  });

  it('keeps regions sorted by address whatever order they came in', () => {
    const m = new AllocationMap(0x10000, 0);
    m.reserve(0x300, 1, 'other', 'c');
    m.reserve(0x100, 1, 'other', 'a');
    m.reserve(0x200, 1, 'other', 'b');
    expect(m.all().map((r) => r.label)).toEqual(['a', 'b', 'c']);
  });
});

describe('free', () => {
  it('returns the region and lets its space be reused', () => {
    const m = new AllocationMap(0x10000);
    const a = m.allocate(64, 16, 'data-buffer', 'req 1 data', { owner: 1 });
    m.allocate(64, 16, 'data-buffer', 'req 2 data', { owner: 2 });
    expect(m.free(a.start)).toEqual(a);
    expect(m.regionAt(a.start)).toBeUndefined();
    expect(m.allocate(64, 16, 'data-buffer', 'req 3 data', { owner: 3 }).start).toBe(a.start);
  });
  it('refuses an address that is not the start of a region', () => {
    const m = new AllocationMap(0x10000);
    const a = m.allocate(64, 16, 'other', 'a');
    expect(() => m.free(a.start + 1)).toThrow(/no region starts at 0x1001/);
    expect(() => m.free(0)).toThrow(AllocationError);
  });
});

describe('regionAt', () => {
  it('finds the region holding an address, first to last byte, and nothing in the gaps', () => {
    const m = new AllocationMap(0x10000, 0);
    const regions = [
      m.reserve(0x10, 0x10, 'desc-table', 'd'),
      m.reserve(0x40, 1, 'status-byte', 's'),
      m.reserve(0x41, 4, 'blk-header', 'h'),
      m.reserve(0x100, 0x100, 'used-ring', 'u'),
    ];
    for (const r of regions) {
      expect(m.regionAt(r.start)).toBe(r);
      expect(m.regionAt(r.start + r.size - 1)).toBe(r);
    }
    for (const gap of [0, 0xf, 0x20, 0x3f, 0x45, 0xff, 0x200, 0xffff, -1]) expect(m.regionAt(gap)).toBeUndefined();
  });

  it('agrees with a linear scan for random maps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 64 }), align: fc.constantFrom(1, 2, 4, 16) }), {
          maxLength: 30,
        }),
        fc.array(fc.nat(0x800), { maxLength: 40 }),
        (reqs, probes) => {
          const m = new AllocationMap(0x800, 0x10);
          for (const [i, r] of reqs.entries()) {
            try {
              m.allocate(r.size, r.align, 'other', `r${i}`);
            } catch {
              /* full */
            }
          }
          for (const p of probes) {
            const linear = m.all().find((r) => p >= r.start && p < r.start + r.size);
            expect(m.regionAt(p)).toBe(linear);
          }
          // Never overlapping, always aligned to at least 1 and inside [heapStart, memorySize).
          const all = m.all();
          for (let i = 1; i < all.length; i++)
            expect(all[i]!.start).toBeGreaterThanOrEqual(all[i - 1]!.start + all[i - 1]!.size);
        },
      ),
    );
  });
});

/**
 * The map as first written: a linear search for a clash and a sort after every insert. The map now finds the place
 * by binary search and inserts there; it must give the same addresses, the same errors and the same order.
 */
class LinearModel {
  regions: { start: number; size: number; label: string }[] = [];
  constructor(
    readonly memorySize: number,
    readonly heapStart: number,
  ) {}
  reserve(start: number, size: number, label: string): number {
    if (start < 0 || size <= 0 || start + size > this.memorySize) throw new Error('outside');
    const clash = this.regions.find((r) => start < r.start + r.size && r.start < start + size);
    if (clash) throw new Error(`overlaps ${clash.label}`);
    this.regions.push({ start, size, label });
    this.regions.sort((a, b) => a.start - b.start);
    return start;
  }
  allocate(size: number, align: number, label: string): number {
    let cursor = this.heapStart;
    for (const r of this.regions) {
      const candidate = Math.ceil(cursor / align) * align;
      if (candidate + size <= r.start) return this.reserve(candidate, size, label);
      cursor = Math.max(cursor, r.start + r.size);
    }
    const candidate = Math.ceil(cursor / align) * align;
    if (candidate + size <= this.memorySize) return this.reserve(candidate, size, label);
    throw new Error('out of memory');
  }
  free(start: number): void {
    const i = this.regions.findIndex((r) => r.start === start);
    if (i < 0) throw new Error('no region');
    this.regions.splice(i, 1);
  }
}

describe('the map against a linear model', () => {
  type Op =
    | { op: 'allocate'; size: number; align: number }
    | { op: 'reserve'; start: number; size: number }
    | { op: 'free'; pick: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      op: fc.constant('allocate' as const),
      size: fc.integer({ min: 1, max: 300 }),
      align: fc.constantFrom(1, 2, 16, 64),
    }),
    fc.record({
      op: fc.constant('reserve' as const),
      start: fc.integer({ min: 0, max: 0x1400 }),
      size: fc.integer({ min: 1, max: 200 }),
    }),
    fc.record({ op: fc.constant('free' as const), pick: fc.nat() }),
  );

  it('gives the same addresses, refusals and order for any sequence of reserve, allocate and free', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 150 }), (ops) => {
        const map = new AllocationMap(0x1400, 0x100);
        const model = new LinearModel(0x1400, 0x100);
        ops.forEach((o, k) => {
          const label = `r${k}`;
          const run = (f: () => number | void): string => {
            try {
              return `ok ${String(f())}`;
            } catch (e) {
              return (e as Error).message.includes('overlaps') ? 'clash' : 'refused';
            }
          };
          if (o.op === 'allocate') {
            expect(run(() => map.allocate(o.size, o.align, 'other', label).start)).toBe(
              run(() => model.allocate(o.size, o.align, label)),
            );
          } else if (o.op === 'reserve') {
            const got = run(() => map.reserve(o.start, o.size, 'other', label).start);
            expect(got).toBe(run(() => model.reserve(o.start, o.size, label)));
            if (got === 'clash') {
              // The same region named in the message.
              let message = '';
              try {
                map.reserve(o.start, o.size, 'other', label);
              } catch (e) {
                message = (e as Error).message;
              }
              expect(
                message.endsWith(
                  model.regions.find((r) => o.start < r.start + r.size && r.start < o.start + o.size)!.label,
                ),
              ).toBe(true);
            }
          } else if (model.regions.length > 0) {
            const start = model.regions[o.pick % model.regions.length]!.start;
            map.free(start);
            model.free(start);
          }
          expect(map.all().map((r) => [r.start, r.size, r.label])).toEqual(
            model.regions.map((r) => [r.start, r.size, r.label]),
          );
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('toJSON / fromJSON', () => {
  it('round-trips the map, including queue and owner, through JSON text', () => {
    const m = new AllocationMap(0x20000, 0x2000);
    m.allocate(4096, 16, 'desc-table', 'vq0 descriptor table', { queue: 0 });
    m.allocate(16, 16, 'blk-header', 'req 7 header', { owner: 7 });
    m.reserve(0x100, 8, 'other', 'fixed');
    const json = JSON.parse(JSON.stringify(m)) as ReturnType<AllocationMap['toJSON']>;
    const back = AllocationMap.fromJSON(json);
    expect(back.memorySize).toBe(0x20000);
    expect(back.heapStart).toBe(0x2000);
    expect(back.toJSON()).toStrictEqual(m.toJSON());
    expect(JSON.stringify(back)).toBe(JSON.stringify(m));
    // The copy allocates exactly as the original would.
    expect(back.allocate(100, 4, 'other', 'next').start).toBe(m.allocate(100, 4, 'other', 'next').start);
  });

  it('does not add queue/owner keys to regions that had none', () => {
    const m = new AllocationMap(0x10000);
    m.allocate(8, 8, 'other', 'plain');
    const back = AllocationMap.fromJSON(m.toJSON());
    expect(Object.keys(back.all()[0]!)).toEqual(['start', 'size', 'kind', 'label']);
  });

  it('returns a copy that does not alias the live regions', () => {
    const m = new AllocationMap(0x10000);
    m.allocate(8, 8, 'other', 'a');
    const snap = m.toJSON();
    snap.regions[0]!.label = 'changed';
    expect(m.all()[0]!.label).toBe('a');
  });

  it('refuses a snapshot whose regions overlap', () => {
    expect(() =>
      AllocationMap.fromJSON({
        memorySize: 0x1000,
        heapStart: 0,
        regions: [
          { start: 0 as never, size: 8, kind: 'other', label: 'a' },
          { start: 4 as never, size: 8, kind: 'other', label: 'b' },
        ],
      }),
    ).toThrow(/overlaps a/);
  });
});
