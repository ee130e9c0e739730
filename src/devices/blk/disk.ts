import { err, ok, type Result } from '../../virtio/types';
import { SECTOR_SIZE } from './protocol';

export type DiskErrorKind = 'out-of-range' | 'read-only' | 'misaligned' | 'invalid-argument';

export interface DiskError {
  kind: DiskErrorKind;
  message: string;
}

export interface DiskImageOptions {
  capacitySectors: number;
  readOnly?: boolean;
  /** Use a SharedArrayBuffer (the default where one exists), so a worker can serve the disk. */
  shared?: boolean;
  /** Wrap an existing buffer (e.g. one received from another worker); its size must be capacity * 512. */
  buffer?: SharedArrayBuffer | ArrayBuffer;
}

export interface DiskStats {
  reads: number;
  writes: number;
  discards: number;
  writeZeroes: number;
  flushes: number;
  sectorsRead: number;
  sectorsWritten: number;
}

const toSector = (sector: number | bigint): number | null => {
  if (typeof sector === 'bigint') {
    if (sector < 0n || sector > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    return Number(sector);
  }
  return Number.isSafeInteger(sector) && sector >= 0 ? sector : null;
};

/**
 * The backing image of the virtio-blk device: `capacity` 512-byte sectors in its own buffer (separate from guest
 * memory, as a host file is). Every operation checks its range and returns a typed result; none throws.
 * Discard zeroes the sectors, like a sparse image dropping its clusters, so reads after it are predictable.
 */
export class DiskImage {
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly capacity: number;
  readonly readOnly: boolean;
  readonly stats: DiskStats = {
    reads: 0,
    writes: 0,
    discards: 0,
    writeZeroes: 0,
    flushes: 0,
    sectorsRead: 0,
    sectorsWritten: 0,
  };
  /** Sectors written since the last flush: what a write-back cache would still hold. */
  private readonly dirty = new Set<number>();
  private readonly bytes: Uint8Array;

  constructor(opts: DiskImageOptions) {
    const { capacitySectors } = opts;
    if (!Number.isSafeInteger(capacitySectors) || capacitySectors < 0) {
      throw new RangeError(`disk capacity must be a non-negative integer of sectors, got ${capacitySectors}`);
    }
    const size = capacitySectors * SECTOR_SIZE;
    if (opts.buffer) {
      if (opts.buffer.byteLength !== size) {
        throw new RangeError(`disk buffer has ${opts.buffer.byteLength} bytes, ${size} expected`);
      }
      this.buffer = opts.buffer;
    } else {
      const shared = opts.shared ?? typeof SharedArrayBuffer !== 'undefined';
      this.buffer = shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
    }
    this.capacity = capacitySectors;
    this.readOnly = opts.readOnly ?? false;
    this.bytes = new Uint8Array(this.buffer);
  }

  /** True when sectors [sector, sector+count) all lie on the disk. */
  rangeOk(sector: number | bigint, count: number): boolean {
    const s = toSector(sector);
    return s !== null && Number.isSafeInteger(count) && count >= 0 && s <= this.capacity && count <= this.capacity - s;
  }

  private checkRange(sector: number | bigint, count: number, what: string): Result<number, DiskError> {
    if (!Number.isSafeInteger(count) || count < 0) {
      return err({ kind: 'invalid-argument', message: `${what}: sector count ${count} is not a non-negative integer` });
    }
    const s = toSector(sector);
    if (s === null || !this.rangeOk(s, count)) {
      return err({
        kind: 'out-of-range',
        message: `${what}: sectors ${sector}+${count} are outside the disk (${this.capacity} sectors)`,
      });
    }
    return ok(s);
  }

  private checkWritable(what: string): Result<void, DiskError> {
    return this.readOnly ? err({ kind: 'read-only', message: `${what}: the disk is read-only` }) : ok(undefined);
  }

  /** A copy of `count` sectors. */
  read(sector: number | bigint, count: number): Result<Uint8Array, DiskError> {
    const r = this.checkRange(sector, count, 'read');
    if (!r.ok) return r;
    this.stats.reads++;
    this.stats.sectorsRead += count;
    const at = r.value * SECTOR_SIZE;
    return ok(this.bytes.slice(at, at + count * SECTOR_SIZE));
  }

  /** Writes whole sectors: `data.length` must be a multiple of 512. */
  write(sector: number | bigint, data: Uint8Array): Result<void, DiskError> {
    if (data.length % SECTOR_SIZE !== 0) {
      return err({ kind: 'misaligned', message: `write: ${data.length} bytes is not a multiple of ${SECTOR_SIZE}` });
    }
    const count = data.length / SECTOR_SIZE;
    const r = this.checkRange(sector, count, 'write');
    if (!r.ok) return r;
    const w = this.checkWritable('write');
    if (!w.ok) return w;
    this.bytes.set(data, r.value * SECTOR_SIZE);
    this.markDirty(r.value, count);
    this.stats.writes++;
    this.stats.sectorsWritten += count;
    return ok(undefined);
  }

  discard(sector: number | bigint, count: number): Result<void, DiskError> {
    const r = this.checkRange(sector, count, 'discard');
    if (!r.ok) return r;
    const w = this.checkWritable('discard');
    if (!w.ok) return w;
    this.zero(r.value, count);
    this.stats.discards++;
    return ok(undefined);
  }

  write_zeroes(sector: number | bigint, count: number): Result<void, DiskError> {
    const r = this.checkRange(sector, count, 'write_zeroes');
    if (!r.ok) return r;
    const w = this.checkWritable('write_zeroes');
    if (!w.ok) return w;
    this.zero(r.value, count);
    this.stats.writeZeroes++;
    return ok(undefined);
  }

  /** Makes every write so far durable. Allowed on a read-only disk, as QEMU allows it. */
  flush(): Result<void, DiskError> {
    this.dirty.clear();
    this.stats.flushes++;
    return ok(undefined);
  }

  /** How many sectors were written since the last flush. */
  get dirtySectors(): number {
    return this.dirty.size;
  }

  isDirty(sector: number): boolean {
    return this.dirty.has(sector);
  }

  /** A read-only window for renderers; it aliases the image, so it must not be written. */
  window(sector: number, count: number): Uint8Array {
    const r = this.checkRange(sector, count, 'window');
    const s = r.ok ? r.value : 0;
    const n = r.ok ? count : 0;
    return this.bytes.subarray(s * SECTOR_SIZE, (s + n) * SECTOR_SIZE);
  }

  private zero(sector: number, count: number): void {
    this.bytes.fill(0, sector * SECTOR_SIZE, (sector + count) * SECTOR_SIZE);
    this.markDirty(sector, count);
  }

  private markDirty(sector: number, count: number): void {
    for (let i = 0; i < count; i++) this.dirty.add(sector + i);
  }
}
