import { describe, expect, it } from 'vitest';
import { withFeatures } from '../../virtio/features';
import {
  BDRV_REQUEST_MAX_SECTORS,
  VIRTIO_BLK_CONFIG_FIELDS,
  VIRTIO_BLK_CONFIG_SIZE,
  decodeVirtioBlkConfig,
  emptyVirtioBlkConfig,
  encodeVirtioBlkConfig,
  guess_chs_for_size,
  qemuVirtioBlkConfig,
  virtio_blk_config_size,
} from './config';
import {
  QEMU_VIRTIO_BLK_PCI_FEATURES,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_SECURE_ERASE,
  VIRTIO_BLK_F_WRITE_ZEROES,
  VIRTIO_BLK_F_ZONED,
  qemuVirtioBlkHostFeatures,
} from './features';

describe('struct virtio_blk_config layout', () => {
  it('has the offsets of the spec struct and 96 bytes in all', () => {
    expect(VIRTIO_BLK_CONFIG_FIELDS.capacity).toEqual([0, 64]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.seg_max).toEqual([12, 32]);
    expect(VIRTIO_BLK_CONFIG_FIELDS['geometry.heads']).toEqual([18, 8]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.blk_size).toEqual([20, 32]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.wce).toEqual([32, 8]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.num_queues).toEqual([34, 16]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.max_discard_sectors).toEqual([36, 32]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.max_write_zeroes_sectors).toEqual([48, 32]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.write_zeroes_may_unmap).toEqual([56, 8]);
    expect(VIRTIO_BLK_CONFIG_FIELDS.max_secure_erase_sectors).toEqual([60, 32]);
    expect(VIRTIO_BLK_CONFIG_FIELDS['zoned.model']).toEqual([92, 8]);
    expect(VIRTIO_BLK_CONFIG_SIZE).toBe(96);
    // No two fields overlap.
    const used = new Set<number>();
    for (const [off, width] of Object.values(VIRTIO_BLK_CONFIG_FIELDS)) {
      for (let i = 0; i < width / 8; i++) {
        expect(used.has(off + i)).toBe(false);
        used.add(off + i);
      }
    }
  });

  it('QEMU exposes as much as the features need', () => {
    expect(virtio_blk_config_size(0n)).toBe(36);
    expect(virtio_blk_config_size(withFeatures(VIRTIO_BLK_F_DISCARD))).toBe(48);
    expect(virtio_blk_config_size(withFeatures(VIRTIO_BLK_F_WRITE_ZEROES))).toBe(57);
    expect(virtio_blk_config_size(QEMU_VIRTIO_BLK_PCI_FEATURES)).toBe(57);
    expect(virtio_blk_config_size(withFeatures(VIRTIO_BLK_F_SECURE_ERASE))).toBe(36);
    expect(virtio_blk_config_size(withFeatures(VIRTIO_BLK_F_ZONED, VIRTIO_BLK_F_DISCARD))).toBe(96);
  });
});

describe('encode/decode', () => {
  const sample = () => {
    const c = emptyVirtioBlkConfig();
    c.capacity = 0x0102030405060708n;
    c.size_max = 0x1000;
    c.seg_max = 254;
    c.geometry = { cylinders: 0x1234, heads: 16, sectors: 63 };
    c.blk_size = 4096;
    c.physical_block_exp = 3;
    c.alignment_offset = 1;
    c.min_io_size = 0x22;
    c.opt_io_size = 0x33;
    c.wce = 1;
    c.num_queues = 4;
    c.max_discard_sectors = 100;
    c.max_discard_seg = 1;
    c.discard_sector_alignment = 8;
    c.max_write_zeroes_sectors = 200;
    c.max_write_zeroes_seg = 2;
    c.write_zeroes_may_unmap = 1;
    c.max_secure_erase_sectors = 300;
    c.max_secure_erase_seg = 3;
    c.secure_erase_sector_alignment = 4;
    c.zoned = {
      zone_sectors: 5,
      max_open_zones: 6,
      max_active_zones: 7,
      max_append_sectors: 8,
      write_granularity: 9,
      model: 2,
    };
    return c;
  };

  it('round-trips the whole struct', () => {
    const c = sample();
    const bytes = encodeVirtioBlkConfig(c);
    expect(bytes.length).toBe(96);
    expect(decodeVirtioBlkConfig(bytes)).toEqual(c);
  });

  it('writes little-endian at the right offsets', () => {
    const b = encodeVirtioBlkConfig(sample());
    const v = new DataView(b.buffer);
    expect(v.getBigUint64(0, true)).toBe(0x0102030405060708n);
    expect(b[0]).toBe(0x08);
    expect(v.getUint16(16, true)).toBe(0x1234);
    expect(b[18]).toBe(16);
    expect(b[19]).toBe(63);
    expect(v.getUint16(34, true)).toBe(4);
    expect(b[33]).toBe(0); // padding
    expect(b[56]).toBe(1);
    expect(b[92]).toBe(2);
  });

  it('truncates to the exposed size and decodes missing fields as 0', () => {
    const b = encodeVirtioBlkConfig(sample(), 57);
    expect(b.length).toBe(57);
    const d = decodeVirtioBlkConfig(b);
    expect(d.write_zeroes_may_unmap).toBe(1);
    expect(d.max_secure_erase_sectors).toBe(0);
    expect(d.zoned.model).toBe(0);
    const short = decodeVirtioBlkConfig(encodeVirtioBlkConfig(sample(), 36));
    expect(short.num_queues).toBe(4);
    expect(short.max_discard_sectors).toBe(0);
  });

  it('decodes from a view at an offset', () => {
    const outer = new Uint8Array(200);
    outer.set(encodeVirtioBlkConfig(sample()), 50);
    expect(decodeVirtioBlkConfig(outer.subarray(50, 146)).capacity).toBe(0x0102030405060708n);
  });

  it('rejects impossible sizes', () => {
    expect(() => encodeVirtioBlkConfig(sample(), 97)).toThrow(RangeError);
    expect(() => encodeVirtioBlkConfig(sample(), -1)).toThrow(RangeError);
  });
});

describe("QEMU's config values", () => {
  it('follow virtio_blk_update_config with default properties', () => {
    const c = qemuVirtioBlkConfig({ capacitySectors: 2048, hostFeatures: QEMU_VIRTIO_BLK_PCI_FEATURES });
    expect(c.capacity).toBe(2048n);
    expect(c.seg_max).toBe(254);
    expect(c.size_max).toBe(0);
    expect(c.blk_size).toBe(512);
    expect(c.wce).toBe(1);
    expect(c.num_queues).toBe(1);
    expect(c.max_discard_sectors).toBe(BDRV_REQUEST_MAX_SECTORS);
    expect(BDRV_REQUEST_MAX_SECTORS).toBe(4194303);
    expect(c.discard_sector_alignment).toBe(1);
    expect(c.max_discard_seg).toBe(1);
    expect(c.max_write_zeroes_sectors).toBe(BDRV_REQUEST_MAX_SECTORS);
    expect(c.write_zeroes_may_unmap).toBe(1);
    expect(c.max_write_zeroes_seg).toBe(1);
    expect(c.geometry).toEqual({ cylinders: 2, heads: 16, sectors: 63 });
  });

  it('tie seg_max to the queue size and leave discard fields 0 when not offered', () => {
    const c = qemuVirtioBlkConfig({
      capacitySectors: 16 * 63 * 100,
      queueSize: 128,
      numQueues: 2,
      blkSize: 4096,
      hostFeatures: qemuVirtioBlkHostFeatures({ discard: false, writeZeroes: false, writeCache: false }),
    });
    expect(c.seg_max).toBe(126);
    expect(c.num_queues).toBe(2);
    expect(c.blk_size).toBe(4096);
    expect(c.wce).toBe(0);
    expect(c.max_discard_sectors).toBe(0);
    expect(c.max_write_zeroes_sectors).toBe(0);
    expect(c.geometry.cylinders).toBe(100);
  });

  it('guess CHS like hd-geometry.c, clamping cylinders to 2..16383', () => {
    expect(guess_chs_for_size(0).cylinders).toBe(2);
    expect(guess_chs_for_size(16 * 63 * 500).cylinders).toBe(500);
    expect(guess_chs_for_size(1e12).cylinders).toBe(16383);
  });
});
