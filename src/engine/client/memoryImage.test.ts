import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IMAGE_PAGE_BYTES, MemorySnapshotter } from './memoryImage';

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
});
