import type { BlkOp, VirtblkReq } from '../../devices/blk/driverTypes';
import { fillSector } from './workload';

interface WriteWatch {
  sector: number;
  nsectors: number;
  /** Another write to the same sectors was in flight with it: the device's order, not ours, decides the winner. */
  raced: boolean;
}

/** lastWriter value for a sector whose content two racing writes decided. */
const UNKNOWN = -2;

interface ReadWatch {
  sector: number;
  nsectors: number;
  verifiable: boolean;
}

/**
 * What the disk must hold, so every read can be checked: the id of the last completed write of each sector
 * (its bytes are a pure function of that id). A read overlapping a write that is in flight at any point of its
 * life may see either version, so it is counted as unverifiable rather than guessed.
 */
export class DataModel {
  /** Both per-sector tables in one buffer (lastWriter, then writesInFlight), so they save and load as bytes. */
  private readonly tables: Uint8Array;
  private readonly lastWriter: Int32Array;
  private readonly writesInFlight: Uint16Array;
  private reads = new Map<number, ReadWatch>();
  private writes = new Map<number, WriteWatch>();
  checks = { verified: 0, unverifiable: 0, mismatches: 0 };
  /** The first mismatches, for the error report. */
  mismatchedRequests: number[] = [];

  constructor(
    readonly capacity: number,
    private readonly seed: number,
  ) {
    this.tables = new Uint8Array(capacity * 6);
    this.lastWriter = new Int32Array(this.tables.buffer, 0, capacity).fill(-1);
    this.writesInFlight = new Uint16Array(this.tables.buffer, capacity * 4, capacity);
  }

  submitted(id: number, op: BlkOp, sector: number, nsectors: number): void {
    const end = Math.min(sector + nsectors, this.capacity);
    if (op === 'write') {
      let raced = false;
      for (let s = sector; s < end; s++) if (this.writesInFlight[s]! > 0) raced = true;
      if (raced) {
        for (const w of this.writes.values()) if (w.sector < end && sector < w.sector + w.nsectors) w.raced = true;
      }
      for (let s = sector; s < end; s++) this.writesInFlight[s]!++;
      this.writes.set(id, { sector, nsectors, raced });
      for (const r of this.reads.values()) if (r.sector < end && sector < r.sector + r.nsectors) r.verifiable = false;
    } else if (op === 'read') {
      let verifiable = sector + nsectors <= this.capacity;
      for (let s = sector; s < end && verifiable; s++) if (this.writesInFlight[s]! > 0) verifiable = false;
      this.reads.set(id, { sector, nsectors, verifiable });
    }
  }

  completed(req: VirtblkReq): void {
    const w = this.writes.get(req.id);
    if (w) {
      this.writes.delete(req.id);
      const end = Math.min(w.sector + w.nsectors, this.capacity);
      for (let s = w.sector; s < end; s++) {
        this.writesInFlight[s]!--;
        if (req.result === 'BLK_STS_OK') this.lastWriter[s] = w.raced ? UNKNOWN : req.id;
      }
      return;
    }
    const r = this.reads.get(req.id);
    if (!r) return;
    this.reads.delete(req.id);
    if (!r.verifiable || req.result !== 'BLK_STS_OK' || req.readData === null) {
      this.checks.unverifiable++;
      return;
    }
    for (let i = 0; i < r.nsectors; i++) {
      if (this.lastWriter[r.sector + i] === UNKNOWN) {
        this.checks.unverifiable++;
        return;
      }
    }
    const expected = new Uint8Array(512);
    for (let i = 0; i < r.nsectors; i++) {
      const writer = this.lastWriter[r.sector + i]!;
      if (writer < 0) expected.fill(0);
      else fillSector(expected, this.seed, writer, r.sector + i);
      const got = req.readData.subarray(i * 512, (i + 1) * 512);
      if (!equal(got, expected)) {
        this.checks.mismatches++;
        if (this.mismatchedRequests.length < 16) this.mismatchedRequests.push(req.id);
        return;
      }
    }
    this.checks.verified++;
  }

  /** The per-sector tables as bytes: checkpoints store them as pages that changed, not as JSON. */
  saveBytes(): Uint8Array {
    return this.tables.slice();
  }

  /** The tables' own bytes, for a restore to write in place. */
  get liveBytes(): Uint8Array {
    return this.tables;
  }

  loadBytes(bytes: Uint8Array): void {
    if (bytes.length !== this.tables.length) {
      throw new RangeError(`data model tables: ${bytes.length} bytes, expected ${this.tables.length}`);
    }
    this.tables.set(bytes);
  }

  /** Everything but the per-sector tables (see saveBytes). */
  saveState(): unknown {
    return {
      reads: [...this.reads.entries()],
      writes: [...this.writes.entries()],
      checks: this.checks,
      mismatchedRequests: this.mismatchedRequests,
    };
  }

  loadState(saved: unknown): void {
    const s = saved as {
      reads: [number, ReadWatch][];
      writes: [number, WriteWatch][];
      checks: DataModel['checks'];
      mismatchedRequests: number[];
    };
    this.reads = new Map(s.reads);
    this.writes = new Map(s.writes);
    this.checks = { ...s.checks };
    this.mismatchedRequests = [...s.mismatchedRequests];
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
