import { describe, expect, it } from 'vitest';
import {
  VIRTIO_F_ANY_LAYOUT,
  VIRTIO_F_NOTIFY_ON_EMPTY,
  VIRTIO_F_RING_RESET,
  VIRTIO_F_VERSION_1,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
} from '../../virtio/constants';
import { featureBits, hasFeature } from '../../virtio/features';
import {
  LINUX_VIRTIO_BLK_DRIVER_FEATURES,
  QEMU_VIRTIO_BLK_PCI_FEATURES,
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_CONFIG_WCE,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_GEOMETRY,
  VIRTIO_BLK_F_MQ,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_F_SIZE_MAX,
  VIRTIO_BLK_F_TOPOLOGY,
  VIRTIO_BLK_F_WCE,
  VIRTIO_BLK_F_WRITE_ZEROES,
  VIRTIO_BLK_F_ZONED,
  blkFeatureName,
  qemuVirtioBlkHostFeatures,
} from './features';

describe('virtio-blk feature bits', () => {
  it('have the spec numbers', () => {
    expect([VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_GEOMETRY, VIRTIO_BLK_F_RO]).toEqual([1, 2, 4, 5]);
    expect([VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_F_CONFIG_WCE]).toEqual([
      6, 9, 10, 11,
    ]);
    expect([VIRTIO_BLK_F_MQ, VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_F_ZONED]).toEqual([
      12, 13, 14, 17,
    ]);
    expect(VIRTIO_BLK_F_WCE).toBe(VIRTIO_BLK_F_FLUSH);
  });

  it('have names', () => {
    expect(blkFeatureName(9)).toBe('VIRTIO_BLK_F_FLUSH');
    expect(blkFeatureName(12)).toBe('VIRTIO_BLK_F_MQ');
    expect(blkFeatureName(3)).toBeUndefined();
  });
});

describe("QEMU's virtio-blk-pci host features", () => {
  it('default to what virtio_blk_get_features and the properties give a single-queue device', () => {
    expect(featureBits(QEMU_VIRTIO_BLK_PCI_FEATURES)).toEqual([
      VIRTIO_BLK_F_SEG_MAX,
      VIRTIO_BLK_F_GEOMETRY,
      VIRTIO_BLK_F_BLK_SIZE,
      VIRTIO_BLK_F_FLUSH,
      VIRTIO_BLK_F_TOPOLOGY,
      VIRTIO_BLK_F_CONFIG_WCE,
      VIRTIO_BLK_F_DISCARD,
      VIRTIO_BLK_F_WRITE_ZEROES,
      VIRTIO_RING_F_INDIRECT_DESC,
      VIRTIO_RING_F_EVENT_IDX,
      VIRTIO_F_VERSION_1,
    ]);
  });

  it('add MQ, RO and drop optional bits as configured', () => {
    const f = qemuVirtioBlkHostFeatures({
      numQueues: 4,
      readOnly: true,
      writeCache: false,
      discard: false,
      writeZeroes: false,
      configWce: false,
      indirectDesc: false,
      eventIdx: false,
    });
    expect(hasFeature(f, VIRTIO_BLK_F_MQ)).toBe(true);
    expect(hasFeature(f, VIRTIO_BLK_F_RO)).toBe(true);
    for (const b of [
      VIRTIO_BLK_F_FLUSH,
      VIRTIO_BLK_F_DISCARD,
      VIRTIO_BLK_F_WRITE_ZEROES,
      VIRTIO_BLK_F_CONFIG_WCE,
      VIRTIO_RING_F_INDIRECT_DESC,
      VIRTIO_RING_F_EVENT_IDX,
    ]) {
      expect(hasFeature(f, b)).toBe(false);
    }
    expect(hasFeature(f, VIRTIO_F_VERSION_1)).toBe(true);
  });

  it('can also offer the bits QEMU sets that the engine does not model', () => {
    const f = qemuVirtioBlkHostFeatures({ legacyAndUnmodelled: true });
    expect(hasFeature(f, VIRTIO_F_NOTIFY_ON_EMPTY)).toBe(true);
    expect(hasFeature(f, VIRTIO_F_ANY_LAYOUT)).toBe(true);
    expect(hasFeature(f, VIRTIO_F_RING_RESET)).toBe(true);
  });

  it("leave Linux's driver accepting all of the defaults", () => {
    expect(QEMU_VIRTIO_BLK_PCI_FEATURES & LINUX_VIRTIO_BLK_DRIVER_FEATURES).toBe(QEMU_VIRTIO_BLK_PCI_FEATURES);
  });
});
