import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IMAGE_PAGE_BYTES, MemorySnapshotter, pagesTouched } from './memoryImage';

describe('MemorySnapshotter', () => {
  it('an image holds the bytes as they were when it was taken', () => {
    const buffer = new ArrayBuffer(3 * IMAGE_PAGE_BYTES);
    const live = new Uint8Array(buffer);
    live[5] = 7;
    const snaps = new MemorySnapshotter();
    const first = snaps.take(buffer);
    live[5] = 9;
    live[2 * IMAGE_PAGE_BYTES + 1] = 3;
    const second = snaps.take(buffer);
    expect(first.byte(5)).toBe(7);
    expect(second.byte(5)).toBe(9);
    expect(second.byte(2 * IMAGE_PAGE_BYTES + 1)).toBe(3);
    expect(first.byte(2 * IMAGE_PAGE_BYTES + 1)).toBe(0);
    expect(second.byte(-1)).toBe(0);
    expect(second.byte(3 * IMAGE_PAGE_BYTES)).toBe(0);
  });

  it('shares the pages that did not change, and the whole image when nothing did', () => {
    const buffer = new SharedArrayBuffer(4 * IMAGE_PAGE_BYTES);
    const live = new Uint8Array(buffer);
    const snaps = new MemorySnapshotter();
    const a = snaps.take(buffer);
    expect(snaps.take(buffer)).toBe(a);
    live[IMAGE_PAGE_BYTES + 10] = 1;
    const b = snaps.take(buffer);
    expect(b).not.toBe(a);
    expect(b.pageOf(0)).toBe(a.pageOf(0));
    expect(b.pageOf(IMAGE_PAGE_BYTES)).not.toBe(a.pageOf(IMAGE_PAGE_BYTES));
    expect(b.pageOf(3 * IMAGE_PAGE_BYTES)).toBe(a.pageOf(3 * IMAGE_PAGE_BYTES));
  });

  it('starts again for another buffer', () => {
    const snaps = new MemorySnapshotter();
    const one = new ArrayBuffer(IMAGE_PAGE_BYTES);
    const two = new ArrayBuffer(2 * IMAGE_PAGE_BYTES);
    new Uint8Array(two)[IMAGE_PAGE_BYTES] = 4;
    snaps.take(one);
    const img = snaps.take(two);
    expect(img.length).toBe(2 * IMAGE_PAGE_BYTES);
    expect(img.byte(IMAGE_PAGE_BYTES)).toBe(4);
  });

  it('equals a plain copy after any sequence of writes, for any memory size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 * IMAGE_PAGE_BYTES + 7 }),
        fc.array(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), {
          maxLength: 6,
        }),
        (size, rounds) => {
          const buffer = new ArrayBuffer(size);
          const live = new Uint8Array(buffer);
          const snaps = new MemorySnapshotter();
          const images = [{ image: snaps.take(buffer), copy: live.slice() }];
          for (const writes of rounds) {
            for (const [addr, value] of writes) live[addr % size] = value;
            images.push({ image: snaps.take(buffer), copy: live.slice() });
          }
          for (const { image, copy } of images) {
            expect(image.length).toBe(size);
            expect(Buffer.compare(image.slice(), copy)).toBe(0);
            expect(image.slice(size - 3, size + 5)).toEqual(copy.slice(Math.max(0, size - 3)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('given the ranges written since the last image, compares only their pages and still equals a plain copy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 * IMAGE_PAGE_BYTES + 5 }),
        fc.array(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 2 * IMAGE_PAGE_BYTES }), fc.nat({ max: 255 })), {
            maxLength: 4,
          }),
          { maxLength: 6 },
        ),
        (size, rounds) => {
          const buffer = new ArrayBuffer(size);
          const live = new Uint8Array(buffer);
          const hinted = new MemorySnapshotter();
          const full = new MemorySnapshotter();
          let last = hinted.take(buffer, []);
          full.take(buffer);
          for (const writes of rounds) {
            const ranges = writes.map(([at, len, value]) => {
              const addr = at % size;
              live.fill(value, addr, addr + len);
              return { addr, len };
            });
            const image = hinted.take(buffer, ranges);
            const plain = full.take(buffer);
            expect(Buffer.compare(image.slice(), live)).toBe(0);
            expect(Buffer.compare(image.slice(), plain.slice())).toBe(0);
            // A page outside the ranges is the last image's page; one inside is shared only if its bytes are.
            const touched = new Set(pagesTouched(ranges, Math.ceil(size / IMAGE_PAGE_BYTES)));
            for (let a = 0; a < size; a += IMAGE_PAGE_BYTES) {
              const p = a / IMAGE_PAGE_BYTES;
              const same = Buffer.compare(last.pageOf(a)!, image.pageOf(a)!) === 0;
              if (!touched.has(p) || same) expect(image.pageOf(a)).toBe(last.pageOf(a));
            }
            last = image;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('lists the pages a range touches, each once, within memory', () => {
    const P = IMAGE_PAGE_BYTES;
    expect(pagesTouched([{ addr: P - 1, len: 2 }], 4)).toEqual([0, 1]);
    expect(pagesTouched([{ addr: P, len: P }], 4)).toEqual([1]);
    expect(
      pagesTouched(
        [
          { addr: 3 * P + 5, len: 10 * P },
          { addr: 0, len: 0 },
        ],
        4,
      ),
    ).toEqual([3]);
    expect(
      pagesTouched(
        [
          { addr: 2 * P, len: 1 },
          { addr: 2 * P + 9, len: 1 },
          { addr: 5, len: 1 },
        ],
        4,
      ),
    ).toEqual([0, 2]);
  });
});
