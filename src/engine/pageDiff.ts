/** Pages of a byte image that differ from a base, so checkpoints store only what changed. */
export const PAGE_SIZE = 4096;

export interface PageDiff {
  /** Page numbers that changed. */
  pages: Uint32Array;
  /** Their new contents, PAGE_SIZE bytes each (the last page may be short). */
  data: Uint8Array;
}

export function diffPages(base: Uint8Array, current: Uint8Array): PageDiff {
  if (base.length !== current.length) throw new RangeError('diffPages: images differ in size');
  const changed: number[] = [];
  const pageCount = Math.ceil(current.length / PAGE_SIZE);
  // Compare 32 bits at a time where alignment allows: checkpoints compare megabytes.
  const aligned = current.byteOffset % 4 === 0 && base.byteOffset % 4 === 0;
  const b32 = aligned ? new Uint32Array(base.buffer, base.byteOffset, base.length >> 2) : null;
  const c32 = aligned ? new Uint32Array(current.buffer, current.byteOffset, current.length >> 2) : null;
  for (let p = 0; p < pageCount; p++) {
    const start = p * PAGE_SIZE;
    const end = Math.min(start + PAGE_SIZE, current.length);
    let differs = false;
    if (b32 && c32 && end - start === PAGE_SIZE) {
      for (let i = start >> 2, e = end >> 2; i < e; i++) {
        if (b32[i] !== c32[i]) {
          differs = true;
          break;
        }
      }
    } else {
      for (let i = start; i < end; i++) {
        if (base[i] !== current[i]) {
          differs = true;
          break;
        }
      }
    }
    if (differs) changed.push(p);
  }
  const data = new Uint8Array(changed.length * PAGE_SIZE);
  changed.forEach((p, i) => {
    const start = p * PAGE_SIZE;
    data.set(current.subarray(start, Math.min(start + PAGE_SIZE, current.length)), i * PAGE_SIZE);
  });
  return { pages: Uint32Array.from(changed), data };
}

/**
 * Writes into `target` the image that `base` followed by `diffs` (oldest first) make, touching each page once: the
 * newest diff holding a page wins and the rest of the image comes from `base` in runs. A jump across a keyframe
 * group costs one image's worth of copying, however many diffs lie between.
 */
export function writeNewest(target: Uint8Array, base: Uint8Array, diffs: readonly PageDiff[]): void {
  if (base.length !== target.length) throw new RangeError('writeNewest: images differ in size');
  const pageCount = Math.ceil(target.length / PAGE_SIZE);
  const written = new Uint8Array(pageCount);
  for (let d = diffs.length - 1; d >= 0; d--) {
    const { pages, data } = diffs[d]!;
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]!;
      if (written[p]) continue;
      written[p] = 1;
      const start = p * PAGE_SIZE;
      const len = Math.min(PAGE_SIZE, target.length - start);
      target.set(data.subarray(i * PAGE_SIZE, i * PAGE_SIZE + len), start);
    }
  }
  for (let p = 0; p < pageCount;) {
    if (written[p]) {
      p++;
      continue;
    }
    let end = p + 1;
    while (end < pageCount && !written[end]) end++;
    const from = p * PAGE_SIZE;
    const to = Math.min(end * PAGE_SIZE, target.length);
    target.set(base.subarray(from, to), from);
    p = end;
  }
}

export const diffBytes = (d: PageDiff): number => d.data.byteLength + d.pages.byteLength;

/** One diff with the effect of applying `first` then `second`. */
export function mergeDiffs(first: PageDiff, second: PageDiff): PageDiff {
  const pages = new Map<number, Uint8Array>();
  const add = (d: PageDiff) =>
    d.pages.forEach((p, i) => pages.set(p, d.data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE)));
  add(first);
  add(second);
  const order = [...pages.keys()].sort((a, b) => a - b);
  const data = new Uint8Array(order.length * PAGE_SIZE);
  order.forEach((p, i) => data.set(pages.get(p)!, i * PAGE_SIZE));
  return { pages: Uint32Array.from(order), data };
}
