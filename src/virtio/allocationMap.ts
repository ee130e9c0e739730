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

export class AllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllocationError';
  }
}

/**
 * The guest's physical-memory map: what each region holds, plus a deterministic first-fit allocator for the
 * driver's buffers (the same requests in the same order always get the same addresses, which keeps runs
 * reproducible from a seed). Plain data, so it can be copied into a checkpoint or posted to the UI.
 */
export class AllocationMap {
  private regions: Region[] = [];
  /**
   * How many regions, from the bottom, lie packed with no byte free between them above heapStart: the first-fit
   * scan can never stop among them, so it starts after them. Lowered by a free below it, raised by the scan.
   */
  private packed = 0;

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
    const at = this.lowerBound(start);
    const before = this.regions[at - 1];
    const after = this.regions[at];
    const clash =
      before && start < before.start + before.size ? before : after && after.start < start + size ? after : undefined;
    if (clash) {
      throw new AllocationError(`cannot reserve ${label} at 0x${start.toString(16)}: it overlaps ${clash.label}`);
    }
    return this.insertAt(at, start, size, kind, label, extra);
  }

  /** The index of the first region starting at or above `addr` (the regions' length if none does). */
  private lowerBound(addr: number): number {
    let lo = 0;
    let hi = this.regions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.regions[mid]!.start < addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertAt(
    at: number,
    start: number,
    size: number,
    kind: RegionKind,
    label: string,
    extra: Pick<Region, 'queue' | 'owner'>,
  ): Region {
    const region: Region = { start: start as GuestAddr, size, kind, label, ...extra };
    // Below `packed` only a region under heapStart can go in (there is no free byte above it there): the prefix
    // stays packed, just one region shorter than it could be.
    this.regions.splice(at, 0, region);
    return region;
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
    // A guest with thousands of buffers in flight allocates through a long map: the gap found here is known to be
    // free and its place in the list known too, so the region goes straight in (no second search, no sort).
    const regions = this.regions;
    const from = this.packed;
    // The regions are sorted and never overlap: the highest end below `from` is that of the one just below it.
    let cursor =
      from === 0 ? this.heapStart : Math.max(this.heapStart, regions[from - 1]!.start + regions[from - 1]!.size);
    for (let i = from; i < regions.length; i++) {
      const r = regions[i]!;
      const candidate = Math.ceil(cursor / align) * align;
      // Everything before r ends at or below the cursor, so the gap is free and the region's place is i.
      if (candidate + size <= r.start) return this.insertAt(i, candidate, size, kind, label, extra);
      if (i === this.packed && r.start <= cursor) this.packed = i + 1;
      cursor = Math.max(cursor, r.start + r.size);
    }
    const candidate = Math.ceil(cursor / align) * align;
    if (candidate + size <= this.memorySize) {
      return this.insertAt(regions.length, candidate, size, kind, label, extra);
    }
    throw new AllocationError(`out of guest memory: cannot allocate ${size} bytes for ${label}`);
  }

  /** Frees the region that starts exactly at `start`. */
  free(start: number): Region {
    const i = this.lowerBound(start);
    if (this.regions[i]?.start !== start) throw new AllocationError(`no region starts at 0x${start.toString(16)}`);
    const [region] = this.regions.splice(i, 1);
    if (i < this.packed) this.packed = i;
    return region!;
  }

  /** The region holding `addr`, if any. */
  regionAt(addr: number): Region | undefined {
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.regions[mid]!;
      if (addr < r.start) hi = mid - 1;
      else if (addr >= r.start + r.size) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  all(): readonly Region[] {
    return this.regions;
  }

  toJSON(): { memorySize: number; heapStart: number; regions: Region[] } {
    return { memorySize: this.memorySize, heapStart: this.heapStart, regions: this.regions.map((r) => ({ ...r })) };
  }

  /** Replaces every region with those of a saved map (a checkpoint being restored). */
  loadJSON(data: { memorySize: number; regions: Region[] }): void {
    if (data.memorySize !== this.memorySize) {
      throw new AllocationError(`saved map is for ${data.memorySize} bytes of memory, not ${this.memorySize}`);
    }
    this.regions = data.regions.map((r) => ({ ...r }));
    this.packed = 0;
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
}
