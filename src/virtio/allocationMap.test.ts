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

  it('loadJSON refuses a map saved for another memory size and keeps its own', () => {
    const m = new AllocationMap(0x10000);
    const a = m.allocate(8, 8, 'other', 'a');
    expect(() => m.loadJSON({ memorySize: 0x20000, regions: [] })).toThrow(
      'saved map is for 131072 bytes of memory, not 65536',
    );
    expect(m.all()).toEqual([a]);
    expect(m.allocate(8, 8, 'other', 'b').start).toBe(a.start + 8);
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

/**
 * The map keeps its regions in chunks (private), each with a bound on its largest gap that lets first fit pass
 * over it. Results alone would not show a bound that is too high (only slower) and might not show one too low
 * until the right request came, so the tests below check the chunks themselves as well.
 */
interface ChunkInternals {
  regions: Region[];
  gapBound: number;
}
const chunksOf = (m: AllocationMap): ChunkInternals[] => (m as unknown as { chunks: ChunkInternals[] }).chunks;
/** CHUNK_MAX in allocationMap.ts. */
const CHUNK_MAX = 64;

/** What is wrong with the map's chunks, or null. */
function chunkProblem(m: AllocationMap): string | null {
  const chunks = chunksOf(m);
  const all = m.all();
  let k = 0;
  let cursor = m.heapStart;
  let prev: Region | undefined;
  for (const [c, chunk] of chunks.entries()) {
    const n = chunk.regions.length;
    if (n === 0 || n > CHUNK_MAX) return `chunk ${c} holds ${n} regions`;
    // Neighbours too small together would have merged: this keeps the count of chunks within 4n/CHUNK_MAX + 1.
    if (c > 0 && chunks[c - 1]!.regions.length + n <= CHUNK_MAX / 2) return `chunks ${c - 1} and ${c} are small`;
    let largest = -Infinity;
    for (const r of chunk.regions) {
      if (all[k++] !== r) return `all()[${k - 1}] is not chunk ${c}'s region`;
      if (prev && r.start < prev.start + prev.size) return `${r.label} is out of order`;
      largest = Math.max(largest, r.start - cursor);
      cursor = Math.max(cursor, r.start + r.size);
      prev = r;
    }
    if (chunk.gapBound < largest) return `chunk ${c}'s bound ${chunk.gapBound} is below its gap ${largest}`;
  }
  return k === all.length ? null : `all() has ${all.length} regions, the chunks ${k}`;
}

const hex = (n: number) => `0x${n.toString(16)}`;
const describeRegion = (r: { start: number; size: number; label: string }) => `${r.label}@${r.start}+${r.size}`;

describe('the map against a linear model, with hundreds of regions in chunks', () => {
  const MEM = 0x10000;
  const HEAP = 0x300;
  type BigOp =
    | { op: 'allocate'; size: number; align: number }
    | { op: 'reserve'; start: number; size: number }
    | { op: 'free'; pick: number }
    | { op: 'freeRun'; pick: number; count: number }
    | { op: 'reload' }
    | { op: 'probe'; addr: number };
  // Weighted so a run grows to hundreds of regions (until memory is full), with frees all along.
  const bigOpArb: fc.Arbitrary<BigOp> = fc.oneof(
    {
      weight: 20,
      arbitrary: fc.record({
        op: fc.constant('allocate' as const),
        // Mostly small, as headers and status bytes are; now and then a big one.
        size: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 32 }) }, fc.integer({ min: 33, max: 400 })),
        align: fc.constantFrom(1, 1, 2, 4, 8, 16, 16, 16, 64, 512),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('reserve' as const),
        // Below heapStart too: such regions give gaps no allocation may use.
        start: fc.oneof(fc.integer({ min: 0, max: HEAP + 16 }), fc.integer({ min: 0, max: MEM })),
        size: fc.integer({ min: 1, max: 64 }),
      }),
    },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
    {
      weight: 1,
      // Runs of neighbours, so whole chunks empty and small ones merge.
      arbitrary: fc.record({
        op: fc.constant('freeRun' as const),
        pick: fc.nat(),
        count: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 2, max: 12 }) }, fc.integer({ min: 13, max: 90 })),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'reload' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('probe' as const),
        addr: fc.oneof(
          fc.integer({ min: -2, max: MEM + 2 }),
          fc.integer({ min: 0, max: MEM }).map((a) => a + 0.5),
        ),
      }),
    },
  );

  it('gives the same addresses, messages, order and regionAt, its chunks sound after every call', () => {
    let mostRegions = 0;
    let fewerChunks = false;
    let chunksBefore = 0;
    fc.assert(
      fc.property(fc.array(bigOpArb, { minLength: 300, maxLength: 1200, size: 'max' }), (ops) => {
        const map = new AllocationMap(MEM, HEAP);
        chunksBefore = 0;
        const model = new LinearModel(MEM, HEAP);
        const attempt = (f: () => number): string => {
          try {
            return `ok ${f()}`;
          } catch (e) {
            expect(e).toBeInstanceOf(AllocationError);
            return (e as Error).message;
          }
        };
        const modelSays = (f: () => number, refusal: () => string): string => {
          try {
            return `ok ${f()}`;
          } catch {
            return refusal();
          }
        };
        const clashLabel = (start: number, size: number) =>
          model.regions.find((r) => start < r.start + r.size && r.start < start + size)?.label;
        ops.forEach((o, k) => {
          const label = `r${k}`;
          switch (o.op) {
            case 'allocate':
              expect(attempt(() => map.allocate(o.size, o.align, 'other', label).start)).toBe(
                modelSays(
                  () => model.allocate(o.size, o.align, label),
                  () => `out of guest memory: cannot allocate ${o.size} bytes for ${label}`,
                ),
              );
              break;
            case 'reserve':
              expect(attempt(() => map.reserve(o.start, o.size, 'other', label).start)).toBe(
                modelSays(
                  () => model.reserve(o.start, o.size, label),
                  () =>
                    o.start + o.size > MEM
                      ? `cannot reserve ${label}: ${hex(o.start)}+${o.size} is outside guest memory (${hex(MEM)} bytes)`
                      : `cannot reserve ${label} at ${hex(o.start)}: it overlaps ${clashLabel(o.start, o.size)}`,
                ),
              );
              break;
            case 'free':
            case 'freeRun': {
              if (model.regions.length === 0) {
                expect(() => map.free(HEAP)).toThrow(`no region starts at ${hex(HEAP)}`);
                break;
              }
              const from = o.pick % model.regions.length;
              const count = o.op === 'free' ? 1 : o.count;
              for (const r of model.regions.slice(from, from + count)) {
                expect(map.free(r.start)).toMatchObject({ start: r.start, size: r.size, label: r.label });
                model.free(r.start);
                // A start inside a region (or freed already) is refused, whichever chunk it falls in.
                expect(() => map.free(r.start)).toThrow(`no region starts at ${hex(r.start)}`);
              }
              break;
            }
            case 'reload':
              // A checkpoint restored mid-run: the map must allocate on exactly as before.
              map.loadJSON(JSON.parse(JSON.stringify(map.toJSON())) as ReturnType<AllocationMap['toJSON']>);
              break;
            case 'probe': {
              const want = model.regions.find((r) => o.addr >= r.start && o.addr < r.start + r.size);
              expect(map.regionAt(o.addr)?.label).toBe(want?.label);
              break;
            }
          }
          // As one string: a deep comparison of hundreds of entries after every call would be most of the test.
          expect(map.all().map(describeRegion).join()).toBe(model.regions.map(describeRegion).join());
          expect(chunkProblem(map)).toBeNull();
          mostRegions = Math.max(mostRegions, model.regions.length);
          if (o.op === 'free' || o.op === 'freeRun') fewerChunks ||= chunksOf(map).length < chunksBefore;
          chunksBefore = chunksOf(map).length;
        });
      }),
      // A failure in a run of a thousand calls takes minutes to shrink all the way: report what 20 s reach.
      { numRuns: 40, plugins: [fc.interruptAfterTimeLimit(20_000)] },
    );
    // The runs did reach several chunks' worth of regions (the property would prove little otherwise).
    expect(mostRegions).toBeGreaterThan(3 * CHUNK_MAX);
    expect(fewerChunks).toBe(true);
  });

  it('reaches several chunks with those operations (the test above would prove little otherwise)', () => {
    const map = new AllocationMap(MEM, HEAP);
    for (let i = 0; i < 300; i++) map.allocate(1 + (i % 40), 1 << (i % 5), 'other', `r${i}`);
    expect(chunksOf(map).length).toBeGreaterThan(4);
    expect(chunkProblem(map)).toBeNull();
  });
});

/**
 * The virtio-blk driver's pattern with about 4,000 regions in flight (4 queues of 256 requests, each with a header, a
 * 4 KiB buffer, a status byte and an indirect table), queues completing in their own order: the case the chunks are
 * for. Every address against the linear model.
 */
describe('a virtio-blk-like run with thousands of regions in flight', () => {
  it('gives the addresses and order of the model throughout, through a checkpoint restored mid-run', () => {
    const MEM = 16 * 1024 * 1024;
    const map = new AllocationMap(MEM);
    const model = new LinearModel(MEM, 0x1000);
    const both = (size: number, align: number, label: string) => {
      const start = map.allocate(size, align, 'other', label).start;
      expect(start).toBe(model.allocate(size, align, label));
      return start;
    };
    for (let q = 0; q < 4; q++) {
      both(4096, 16, `vq${q} descriptor table`);
      both(518, 2, `vq${q} available ring`);
      both(2054, 4, `vq${q} used ring`);
    }
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const queues: number[][][] = [[], [], [], []];
    let id = 0;
    const submit = (q: number) => {
      queues[q]!.push([
        both(16, 16, `req ${id} out_hdr`),
        both(4096, 512, `req ${id} data`),
        both(1, 1, `req ${id} status`),
        both(48, 16, `vq${q} indirect table`),
      ]);
      id++;
    };
    for (let i = 0; i < 1024; i++) submit(i % 4);
    expect(map.all()).toHaveLength(12 + 4 * 1024);
    for (let round = 0; round < 3000; round++) {
      const q = Math.floor(rand() * 4);
      // Now and then a request completes out of order.
      const at = rand() < 0.1 ? Math.floor(rand() * queues[q]!.length) : 0;
      const [hdr, data, status, table] = queues[q]!.splice(at, 1)[0]!;
      for (const start of [table!, hdr!, data!, status!]) {
        map.free(start);
        model.free(start);
      }
      submit(Math.floor(rand() * 4));
      if (round === 1500) {
        const saved = map.toJSON();
        map.loadJSON(saved);
        expect(map.toJSON()).toStrictEqual(saved);
      }
      if (round % 500 === 0) {
        expect(map.all().map((r) => r.start)).toEqual(model.regions.map((r) => r.start));
        expect(chunkProblem(map)).toBeNull();
      }
    }
    expect(map.all().map((r) => [r.start, r.size, r.label])).toEqual(
      model.regions.map((r) => [r.start, r.size, r.label]),
    );
    expect(chunkProblem(map)).toBeNull();
    // At most 4n/CHUNK_MAX + 1 chunks.
    expect(chunksOf(map).length).toBeLessThanOrEqual((4 * map.all().length) / CHUNK_MAX + 1);
    for (const r of model.regions) {
      expect(map.regionAt(r.start)?.start).toBe(r.start);
      expect(map.regionAt(r.start + r.size - 1)?.start).toBe(r.start);
    }
  });
});

describe('all()', () => {
  it('returns the same array until the map changes, and an array it returned stays as it was', () => {
    const m = new AllocationMap(0x10000);
    const a = m.allocate(8, 8, 'other', 'a');
    const first = m.all();
    expect(m.all()).toBe(first);
    m.regionAt(a.start);
    m.toJSON();
    expect(m.all()).toBe(first);
    const b = m.allocate(8, 8, 'other', 'b');
    expect(first).toEqual([a]);
    const second = m.all();
    expect(second).toEqual([a, b]);
    m.free(a.start);
    expect(second).toEqual([a, b]);
    expect(m.all()).toEqual([b]);
    m.reserve(0x100, 4, 'other', 'low');
    expect(m.all().map((r) => r.label)).toEqual(['low', 'b']);
    const before = m.all();
    m.loadJSON({ memorySize: 0x10000, regions: [] });
    expect(before).toHaveLength(2);
    expect(m.all()).toEqual([]);
  });

  it('holds the very region objects allocate and regionAt return', () => {
    const m = new AllocationMap(0x40000);
    const made = Array.from({ length: 200 }, (_, i) => m.allocate(32, 16, 'other', `r${i}`));
    expect(m.all()).toHaveLength(200);
    m.all().forEach((r, i) => {
      expect(r).toBe(made[i]);
      expect(m.regionAt(r.start + 31)).toBe(r);
    });
  });
});

describe('chunk boundaries', () => {
  it('frees at either end of a chunk and refills exactly as a single list would', () => {
    const m = new AllocationMap(0x100000, 0);
    const model = new LinearModel(0x100000, 0);
    for (let i = 0; i < 400; i++) {
      expect(m.allocate(16, 16, 'other', `r${i}`).start).toBe(model.allocate(16, 16, `r${i}`));
    }
    // The first and last region of every chunk, then their neighbours: the gaps that span two chunks.
    const ends = chunksOf(m).flatMap((c) => [c.regions[0]!.start, c.regions[c.regions.length - 1]!.start]);
    for (const start of ends) {
      m.free(start);
      model.free(start);
      expect(chunkProblem(m)).toBeNull();
    }
    // 32 bytes fit only where two neighbours went; 16 in every hole, lowest first.
    for (let i = 0; i < 60; i++) {
      const size = i % 3 === 0 ? 32 : 16;
      expect(m.allocate(size, 16, 'other', `n${i}`).start).toBe(model.allocate(size, 16, `n${i}`));
      expect(chunkProblem(m)).toBeNull();
    }
    expect(m.all().map((r) => r.start)).toEqual(model.regions.map((r) => r.start));
  });

  it('empties every chunk down to nothing and starts again at heapStart', () => {
    const m = new AllocationMap(0x100000);
    const made = Array.from({ length: 300 }, (_, i) => m.allocate(1 + (i % 7), 1, 'other', `r${i}`));
    for (const r of made.reverse()) {
      m.free(r.start);
      expect(chunkProblem(m)).toBeNull();
    }
    expect(chunksOf(m)).toEqual([]);
    expect(m.regionAt(0x1000)).toBeUndefined();
    expect(m.allocate(4, 4, 'other', 'again').start).toBe(0x1000);
  });

  it('loads a saved map of any length and allocates on from it as the map it came from', () => {
    const src = new AllocationMap(0x100000);
    for (let i = 0; i < 500; i++) src.allocate(1 + ((i * 37) % 100), 1 << (i % 6), 'other', `r${i}`);
    for (let i = 0; i < 500; i += 3) src.free(src.all()[i % src.all().length]!.start);
    const copy = new AllocationMap(0x100000);
    copy.loadJSON(src.toJSON());
    const rebuilt = AllocationMap.fromJSON(src.toJSON());
    for (const m of [copy, rebuilt]) {
      expect(m.toJSON()).toStrictEqual(src.toJSON());
      expect(chunkProblem(m)).toBeNull();
    }
    for (let i = 0; i < 200; i++) {
      const size = 1 + ((i * 53) % 300);
      const want = src.allocate(size, 8, 'other', `n${i}`).start;
      expect(copy.allocate(size, 8, 'other', `n${i}`).start).toBe(want);
      expect(rebuilt.allocate(size, 8, 'other', `n${i}`).start).toBe(want);
    }
    expect(chunkProblem(copy)).toBeNull();
  });

  it('never places below heapStart, whatever lies there, and skips regions straddling it', () => {
    const m = new AllocationMap(0x10000, 0x1000);
    const model = new LinearModel(0x10000, 0x1000);
    for (let i = 0; i < 150; i++) {
      // Reserved regions below the heap, one across its start, then allocations above.
      const start = i * 16;
      const size = i === 149 ? 0x1000 - start + 8 : 8;
      expect(m.reserve(start, size, 'other', `low${i}`).start).toBe(model.reserve(start, size, `low${i}`));
    }
    for (let i = 0; i < 100; i++) {
      expect(m.allocate(8, 8, 'other', `a${i}`).start).toBe(model.allocate(8, 8, `a${i}`));
    }
    expect(m.all()[150]!.start).toBe(0x1008);
    for (const r of model.regions.filter((_, i) => i % 2 === 0)) {
      m.free(r.start);
      model.free(r.start);
    }
    for (let i = 0; i < 100; i++) {
      expect(m.allocate(4, 4, 'other', `b${i}`).start).toBe(model.allocate(4, 4, `b${i}`));
      expect(m.all().every((r) => r.label.startsWith('low') || r.start >= 0x1000)).toBe(true);
    }
    expect(chunkProblem(m)).toBeNull();
  });
});
