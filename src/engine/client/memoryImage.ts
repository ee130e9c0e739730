/** Bytes per page of a memory image: a page that did not change is shared with the previous image. */
export const IMAGE_PAGE_BYTES = 4096;

interface Page {
  bytes: Uint8Array;
  /** The same bytes as whole words, for a fast comparison (the last page may have a tail of odd bytes). */
  words: Int32Array;
}

/**
 * Guest memory as of one state, read-only, for the hex view. Stored as 4 KiB pages; an image taken after a step
 * shares every page the step did not write with the image before it, so a new state costs only the pages that
 * changed (not a copy of the whole guest memory) and a component can tell unchanged lines by page identity.
 */
export class MemoryImage {
  /** @internal use MemorySnapshotter.take */
  constructor(
    readonly length: number,
    private readonly pages: readonly Page[],
  ) {}

  /** The byte at `addr`, or 0 outside memory (as an out-of-range typed-array read would give undefined). */
  byte(addr: number): number {
    if (!(addr >= 0 && addr < this.length)) return 0;
    return this.pages[Math.floor(addr / IMAGE_PAGE_BYTES)]!.bytes[addr % IMAGE_PAGE_BYTES]!;
  }

  /** The page holding `addr`: the same object in every image where that page did not change. */
  pageOf(addr: number): Uint8Array | undefined {
    return this.pages[Math.floor(addr / IMAGE_PAGE_BYTES)]?.bytes;
  }

  /** A copy of bytes [start, end). */
  slice(start = 0, end = this.length): Uint8Array {
    const from = Math.max(0, start);
    const to = Math.min(this.length, end);
    const out = new Uint8Array(Math.max(0, to - from));
    for (let a = from; a < to;) {
      const p = Math.floor(a / IMAGE_PAGE_BYTES);
      const off = a - p * IMAGE_PAGE_BYTES;
      const n = Math.min(IMAGE_PAGE_BYTES - off, to - a);
      out.set(this.pages[p]!.bytes.subarray(off, off + n), a - from);
      a += n;
    }
    return out;
  }
}

/** A byte range a step wrote: `len` bytes from `addr`. */
export interface WrittenRange {
  addr: number;
  len: number;
}

/** The numbers of the pages (below `pageCount`) that the ranges touch, each once, in ascending order. */
export function pagesTouched(written: readonly WrittenRange[], pageCount: number): number[] {
  const out = new Set<number>();
  for (const { addr, len } of written) {
    if (!(len > 0)) continue;
    const first = Math.max(0, Math.floor(addr / IMAGE_PAGE_BYTES));
    const last = Math.min(pageCount - 1, Math.floor((addr + len - 1) / IMAGE_PAGE_BYTES));
    for (let p = first; p <= last; p++) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

function copyPage(live: Uint8Array, start: number, size: number): Page {
  const buffer = new ArrayBuffer(Math.ceil(size / 4) * 4);
  const bytes = new Uint8Array(buffer, 0, size);
  bytes.set(live.subarray(start, start + size));
  return { bytes, words: new Int32Array(buffer) };
}

/**
 * Takes MemoryImages of one live guest memory (a SharedArrayBuffer the workers write, or the page's own buffer),
 * each sharing the unchanged pages of the one before. Call it only while nothing is writing the memory (the
 * machine is paused at the state being shown), or the image is only as consistent as a copy would be.
 */
export class MemorySnapshotter {
  private source: ArrayBufferLike | null = null;
  private last: MemoryImage | null = null;
  private lastPages: Page[] = [];

  /**
   * `written`, when given, promises that since the last image the memory changed only within these byte ranges
   * (the writes of the steps taken since, see StepRecord.writes): only the pages they touch are compared. Without
   * it (time travel, a free-run, anything whose stores are not known) every page is.
   */
  take(buffer: ArrayBufferLike, written: readonly WrittenRange[] | null = null): MemoryImage {
    const live = new Uint8Array(buffer);
    if (buffer !== this.source || this.last === null || this.last.length !== live.length) {
      // The first image: one copy of the whole memory, cut into pages that are views of it.
      this.source = buffer;
      const all = new ArrayBuffer(Math.ceil(live.length / 4) * 4);
      new Uint8Array(all).set(live);
      this.lastPages = [];
      for (let start = 0; start < live.length; start += IMAGE_PAGE_BYTES) {
        const size = Math.min(IMAGE_PAGE_BYTES, live.length - start);
        this.lastPages.push({
          bytes: new Uint8Array(all, start, size),
          words: new Int32Array(all, start, Math.ceil(size / 4)),
        });
      }
      this.last = new MemoryImage(live.length, this.lastPages);
      return this.last;
    }
    // Compare word by word (a word may straddle nothing: pages are word-aligned) and copy only what differs.
    const wholeWords = Math.floor(live.length / 4);
    const liveWords = new Int32Array(buffer, 0, wholeWords);
    let pages: Page[] | null = null;
    const wordsPerPage = IMAGE_PAGE_BYTES / 4;
    const candidates = written === null ? null : pagesTouched(written, this.lastPages.length);
    const count = candidates === null ? this.lastPages.length : candidates.length;
    for (let c = 0; c < count; c++) {
      const p = candidates === null ? c : candidates[c]!;
      const old = this.lastPages[p]!;
      const start = p * IMAGE_PAGE_BYTES;
      const w0 = p * wordsPerPage;
      const w1 = Math.min(w0 + wordsPerPage, wholeWords);
      let differs = false;
      const ow = old.words;
      for (let w = w0; w < w1; w++) {
        if (liveWords[w] !== ow[w - w0]) {
          differs = true;
          break;
        }
      }
      if (!differs) {
        for (let a = Math.max(start, wholeWords * 4); a < start + old.bytes.length; a++) {
          if (live[a] !== old.bytes[a - start]) {
            differs = true;
            break;
          }
        }
      }
      if (differs) {
        pages ??= this.lastPages.slice();
        pages[p] = copyPage(live, start, old.bytes.length);
      }
    }
    if (pages === null) return this.last;
    this.lastPages = pages;
    this.last = new MemoryImage(live.length, pages);
    return this.last;
  }
}
