import type { GuestAddr } from './types';

/** What a range of guest memory holds, so every byte the UI draws can be labelled. */
export type RegionKind =
  'desc-table' | 'avail-ring' | 'used-ring' | 'indirect-table' | 'blk-header' | 'data-buffer' | 'status-byte' | 'other';

export interface Region {
  start: GuestAddr;
  size: number;
  kind: RegionKind;
  /** Human label, e.g. "vq0 descriptor table" or "req 7 data". */
  label: string;
  /** The virtqueue it belongs to, where it belongs to one. */
  queue?: number;
  /** A request or token id, so a request's header, data and status can be coloured alike. */
  owner?: number;
}

/** A region allocated (or reserved) or freed, as the map's observer sees it. */
export interface RegionChange {
  freed: boolean;
  region: Region;
}

export class AllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllocationError';
  }
}

/**
 * A run of consecutive regions, in address order. The gap in front of a region is the free space between it and the
 * region before it (in this chunk or the chunk before), counted from heapStart; `gapBound` is at least the largest
 * such gap in the chunk. A chunk whose bound is smaller than a request holds no gap first fit could stop in.
 */
interface Chunk {
  regions: Region[];
  /**
   * An upper bound, not always exact, so that a change costs no walk over the chunk: an insert splits a gap into
   * two smaller ones and leaves the bound as it was, a free grows one gap and raises the bound to it. A scan that
   * walks the whole chunk without finding room sets it exactly.
   */
  gapBound: number;
}

/**
 * Most regions a chunk holds; one more and it splits in two. Small enough that an insert or a free moves few
 * entries and first fit walks few regions inside the chunk it stops in; big enough that the walk over the chunks
 * below stays short (4,000 regions make 60 to 130 chunks). 32 and 64 measured alike on a recorded virtio-blk run;
 * 128 was slower.
 */
const CHUNK_MAX = 64;
/**
 * Two neighbouring chunks with this many regions or fewer between them merge, so frees cannot leave a long list of
 * near-empty chunks: any two neighbours hold more than this, so there are at most 2n/CHUNK_MERGE + 1 chunks.
 */
const CHUNK_MERGE = CHUNK_MAX / 2;

/**
 * The guest's physical-memory map: what each region holds, plus a deterministic first-fit allocator for the
 * driver's buffers (the same requests in the same order always get the same addresses, which keeps runs
 * reproducible from a seed). Plain data, so it can be copied into a checkpoint or posted to the UI.
 *
 * The regions are kept in address order, cut into chunks of at most CHUNK_MAX: a guest with thousands of buffers in
 * flight allocates and frees through a long map, and one sorted array made every insert and free move thousands of
 * entries. Each chunk bounds its largest gap, so first fit skips whole chunks that cannot hold the request, e.g.
 * those with only the small holes of 16-byte headers and 1-byte status bytes below the first hole a 4 KiB buffer
 * fits in. The addresses are those of a plain scan from the bottom, gap by gap (allocationMap.test.ts checks that
 * against a linear model).
 */
export class AllocationMap {
  /** Never empty chunks, in address order. */
  private chunks: Chunk[] = [];
  /** All regions in one array, built by all() and dropped on every change (the UI asks for it per view). */
  private flat: Region[] | null = [];
  /**
   * Told of every region allocated, reserved or freed (null: nobody listens). The engine shows a region from the
   * step of the code that allocated it, not from the start of the operation (engine/machine/privateState.ts).
   */
  observer: ((change: RegionChange) => void) | null = null;

  constructor(
    readonly memorySize: number,
    /** Allocations never go below this address: address 0 stays unused so a zero address always looks wrong. */
    readonly heapStart = 0x1000,
  ) {
    if (!Number.isInteger(memorySize) || memorySize <= 0) {
      throw new AllocationError(`memory size must be a positive integer, got ${memorySize}`);
    }
  }

  /** Reserves [start, start+size) for a purpose the caller chose the address of (e.g. a ring at a fixed place). */
  reserve(
    start: number,
    size: number,
    kind: RegionKind,
    label: string,
    extra: Pick<Region, 'queue' | 'owner'> = {},
  ): Region {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(size) ||
      start < 0 ||
      size <= 0 ||
      start + size > this.memorySize
    ) {
      throw new AllocationError(
        `cannot reserve ${label}: 0x${start.toString(16)}+${size} is outside guest memory (0x${this.memorySize.toString(16)} bytes)`,
      );
    }
    // The regions are sorted and never overlap, so only the two around the insertion point can clash (the one
    // before first, as a scan from the bottom would find it).
    const c = this.chunkAtOrAbove(start);
    const j = c < this.chunks.length ? lowerBound(this.chunks[c]!.regions, start) : 0;
    const before = this.regionBefore(c, j);
    const after = this.chunks[c]?.regions[j];
    const clash =
      before && start < before.start + before.size ? before : after && after.start < start + size ? after : undefined;
    if (clash) {
      throw new AllocationError(`cannot reserve ${label} at 0x${start.toString(16)}: it overlaps ${clash.label}`);
    }
    return this.insertAt(c, j, start, size, kind, label, extra);
  }

  /** First fit at or above heapStart, aligned to `align` (a power of two). */
  allocate(
    size: number,
    align: number,
    kind: RegionKind,
    label: string,
    extra: Pick<Region, 'queue' | 'owner'> = {},
  ): Region {
    if (!Number.isInteger(size) || size <= 0)
      throw new AllocationError(`cannot allocate ${label}: size ${size} is not positive`);
    if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0) {
      throw new AllocationError(`cannot allocate ${label}: alignment ${align} is not a power of two`);
    }
    // The gap in front of each region, bottom up, as a plain scan sees them: the cursor is where free space can
    // start (the highest end so far, never below heapStart).
    const chunks = this.chunks;
    let cursor = this.heapStart;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      const regions = chunk.regions;
      // A gap smaller than the request cannot hold it, whatever the alignment: such a chunk is passed over whole.
      if (chunk.gapBound >= size) {
        let largest = -Infinity;
        for (let j = 0; j < regions.length; j++) {
          const r = regions[j]!;
          const gap = r.start - cursor;
          // Aligning only moves the candidate up, so a gap smaller than the request is not worth aligning into.
          if (gap >= size) {
            const candidate = Math.ceil(cursor / align) * align;
            if (candidate + size <= r.start) return this.insertAt(c, j, candidate, size, kind, label, extra);
          }
          if (gap > largest) largest = gap;
          cursor = Math.max(cursor, r.start + r.size);
        }
        // Every gap of the chunk was seen: the bound is exact again.
        chunk.gapBound = largest;
      } else {
        const last = regions[regions.length - 1]!;
        cursor = Math.max(cursor, last.start + last.size);
      }
    }
    const candidate = Math.ceil(cursor / align) * align;
    if (candidate + size <= this.memorySize) {
      return this.insertAt(chunks.length, 0, candidate, size, kind, label, extra);
    }
    throw new AllocationError(`out of guest memory: cannot allocate ${size} bytes for ${label}`);
  }

  /** Frees the region that starts exactly at `start`. */
  free(start: number): Region {
    const c = this.chunkAtOrAbove(start);
    const chunk = this.chunks[c];
    const j = chunk ? lowerBound(chunk.regions, start) : 0;
    if (chunk?.regions[j]?.start !== start) throw new AllocationError(`no region starts at 0x${start.toString(16)}`);
    const [region] = chunk.regions.splice(j, 1);
    this.flat = null;
    this.observer?.({ freed: true, region: region! });
    // The region that followed the freed one (if any) has the freed bytes in its gap now: raise its chunk's bound.
    let next = c;
    let at = j;
    if (chunk.regions.length === 0) {
      this.chunks.splice(c, 1);
    } else if (j === chunk.regions.length) {
      next = c + 1;
      at = 0;
    }
    if (next < this.chunks.length) {
      this.chunks[next]!.gapBound = Math.max(this.chunks[next]!.gapBound, this.gapBefore(next, at));
    }
    // An emptied chunk had big neighbours (see CHUNK_MERGE); a smaller one may merge with either.
    if (chunk.regions.length > 0) {
      if (c + 1 < this.chunks.length) this.mergeIfSmall(c);
      if (c > 0) this.mergeIfSmall(c - 1);
    }
    return region!;
  }

  /** The region holding `addr`, if any. */
  regionAt(addr: number): Region | undefined {
    const chunks = this.chunks;
    // The last chunk starting at or below addr is the only one that can hold it.
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (chunks[mid]!.regions[0]!.start <= addr) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    // Then the last region in it starting at or below addr.
    const regions = chunks[lo - 1]!.regions;
    lo = 0;
    hi = regions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (regions[mid]!.start <= addr) lo = mid + 1;
      else hi = mid;
    }
    const r = regions[lo - 1]!;
    return addr < r.start + r.size ? r : undefined;
  }

  /** Every region in address order. The same array until the map changes; a change gives the next call a new one. */
  all(): readonly Region[] {
    if (this.flat === null) {
      const flat: Region[] = [];
      for (const chunk of this.chunks) for (const r of chunk.regions) flat.push(r);
      this.flat = flat;
    }
    return this.flat;
  }

  toJSON(): { memorySize: number; heapStart: number; regions: Region[] } {
    return { memorySize: this.memorySize, heapStart: this.heapStart, regions: this.all().map((r) => ({ ...r })) };
  }

  /** Replaces every region with those of a saved map (a checkpoint being restored). */
  loadJSON(data: { memorySize: number; regions: Region[] }): void {
    if (data.memorySize !== this.memorySize) {
      throw new AllocationError(`saved map is for ${data.memorySize} bytes of memory, not ${this.memorySize}`);
    }
    const regions = data.regions.map((r) => ({ ...r }));
    // Chunks half full, so the next inserts do not split them at once; their bounds exact.
    this.chunks = [];
    let cursor = this.heapStart;
    for (let i = 0; i < regions.length; i += CHUNK_MERGE) {
      const chunk: Chunk = { regions: regions.slice(i, i + CHUNK_MERGE), gapBound: -Infinity };
      for (const r of chunk.regions) {
        chunk.gapBound = Math.max(chunk.gapBound, r.start - cursor);
        cursor = Math.max(cursor, r.start + r.size);
      }
      this.chunks.push(chunk);
    }
    this.flat = regions;
  }

  static fromJSON(data: { memorySize: number; heapStart: number; regions: Region[] }): AllocationMap {
    const map = new AllocationMap(data.memorySize, data.heapStart);
    for (const r of data.regions) {
      // Only copy the keys a region has, so a restored map is indistinguishable from the original.
      const extra: Pick<Region, 'queue' | 'owner'> = {};
      if (r.queue !== undefined) extra.queue = r.queue;
      if (r.owner !== undefined) extra.owner = r.owner;
      map.reserve(r.start, r.size, r.kind, r.label, extra);
    }
    return map;
  }

  /**
   * The first chunk whose last region starts at or above `addr` (the chunks' count if none does): the first region
   * starting at or above `addr`, if there is one, is in that chunk.
   */
  private chunkAtOrAbove(addr: number): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const regions = chunks[mid]!.regions;
      if (regions[regions.length - 1]!.start < addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The region just before position j of chunk c (c may be the chunks' count: the end of the map). */
  private regionBefore(c: number, j: number): Region | undefined {
    if (j > 0) return this.chunks[c]!.regions[j - 1];
    const prev = this.chunks[c - 1]?.regions;
    return prev?.[prev.length - 1];
  }

  /** The gap in front of region j of chunk c (negative for a region below heapStart). */
  private gapBefore(c: number, j: number): number {
    const before = this.regionBefore(c, j);
    const from = before ? Math.max(this.heapStart, before.start + before.size) : this.heapStart;
    return this.chunks[c]!.regions[j]!.start - from;
  }

  /**
   * Puts a new region at position j of chunk c, where the caller found room; c equal to the chunks' count means
   * after every region. Inside the map it splits the gap in front of region j into two smaller ones, so no bound
   * needs raising; a region never goes at the end of a chunk that has another after it.
   */
  private insertAt(
    c: number,
    j: number,
    start: number,
    size: number,
    kind: RegionKind,
    label: string,
    extra: Pick<Region, 'queue' | 'owner'>,
  ): Region {
    const region: Region = { start: start as GuestAddr, size, kind, label, ...extra };
    this.flat = null;
    this.observer?.({ freed: false, region });
    if (c === this.chunks.length) {
      // After every region: onto the last chunk (or a first one), with a gap of its own in front.
      if (c === 0) this.chunks.push({ regions: [], gapBound: -Infinity });
      else c--;
      const chunk = this.chunks[c]!;
      chunk.regions.push(region);
      chunk.gapBound = Math.max(chunk.gapBound, this.gapBefore(c, chunk.regions.length - 1));
    } else {
      this.chunks[c]!.regions.splice(j, 0, region);
    }
    const chunk = this.chunks[c]!;
    if (chunk.regions.length > CHUNK_MAX) {
      // Each half's gaps were the whole's: the bound holds for both.
      this.chunks.splice(c + 1, 0, {
        regions: chunk.regions.splice(chunk.regions.length >> 1),
        gapBound: chunk.gapBound,
      });
    }
    return region;
  }

  /** Merges chunk c+1 into chunk c when the two are small together. */
  private mergeIfSmall(c: number): void {
    const a = this.chunks[c]!;
    const b = this.chunks[c + 1]!;
    if (a.regions.length + b.regions.length > CHUNK_MERGE) return;
    for (const r of b.regions) a.regions.push(r);
    a.gapBound = Math.max(a.gapBound, b.gapBound);
    this.chunks.splice(c + 1, 1);
  }
}

/** The index of the first region starting at or above `addr` (the regions' length if none does). */
function lowerBound(regions: readonly Region[], addr: number): number {
  let lo = 0;
  let hi = regions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (regions[mid]!.start < addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
