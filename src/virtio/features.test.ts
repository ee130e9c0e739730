import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC } from './constants';
import { bit, featureBits, featuresToHex, hasFeature, withFeatures } from './features';

describe('feature sets (64-bit, bigint)', () => {
  it('bit(n) is 1 << n for every bit 0..63, including those above 32', () => {
    for (let n = 0; n < 64; n++) expect(bit(n)).toBe(2n ** BigInt(n));
    expect(bit(VIRTIO_F_VERSION_1)).toBe(0x1_0000_0000n);
  });

  it('withFeatures ORs bits; hasFeature tests one', () => {
    const f = withFeatures(VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, VIRTIO_F_VERSION_1);
    expect(f).toBe((1n << 28n) | (1n << 29n) | (1n << 32n));
    expect(hasFeature(f, VIRTIO_F_VERSION_1)).toBe(true);
    expect(hasFeature(f, 28)).toBe(true);
    expect(hasFeature(f, 0)).toBe(false);
    expect(hasFeature(f, 33)).toBe(false);
    expect(withFeatures()).toBe(0n);
    expect(withFeatures(5, 5)).toBe(32n);
  });

  it('VERSION_1 is not confused with bit 0 (no 32-bit truncation)', () => {
    expect(hasFeature(bit(32), 0)).toBe(false);
    expect(hasFeature(bit(0), 32)).toBe(false);
  });

  it('featureBits lists set bits in ascending order, and round-trips with withFeatures', () => {
    expect(featureBits(0n)).toEqual([]);
    expect(featureBits(withFeatures(63, 0, 32, 9))).toEqual([0, 9, 32, 63]);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (f) => {
        expect(withFeatures(...featureBits(f))).toBe(f);
      }),
    );
  });

  it('featuresToHex is 0x plus 16 hex digits', () => {
    expect(featuresToHex(0n)).toBe('0x0000000000000000');
    expect(featuresToHex(withFeatures(32, 28, 9))).toBe('0x0000000110000200');
    expect(featuresToHex(2n ** 64n - 1n)).toBe('0xffffffffffffffff');
  });
});
