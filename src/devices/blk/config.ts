import { hasFeature, type FeatureSet } from '../../virtio/features';
import { VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WCE, VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_F_ZONED } from './features';
import { SECTOR_SHIFT, SECTOR_SIZE } from './protocol';

/**
 * `struct virtio_blk_config` (spec §5.2.4, Linux include/uapi/linux/virtio_blk.h), packed, little-endian.
 * Fields a device does not offer read as 0 here.
 */
export interface VirtioBlkConfig {
  /** In 512-byte sectors, whatever blk_size is. */
  capacity: bigint;
  size_max: number;
  seg_max: number;
  geometry: { cylinders: number; heads: number; sectors: number };
  blk_size: number;
  physical_block_exp: number;
  alignment_offset: number;
  min_io_size: number;
  opt_io_size: number;
  /** The spec's `writeback`; Linux and QEMU call it `wce`. */
  wce: number;
  num_queues: number;
  max_discard_sectors: number;
  max_discard_seg: number;
  discard_sector_alignment: number;
  max_write_zeroes_sectors: number;
  max_write_zeroes_seg: number;
  write_zeroes_may_unmap: number;
  max_secure_erase_sectors: number;
  max_secure_erase_seg: number;
  secure_erase_sector_alignment: number;
  zoned: {
    zone_sectors: number;
    max_open_zones: number;
    max_active_zones: number;
    max_append_sectors: number;
    write_granularity: number;
    model: number;
  };
}

type Width = 8 | 16 | 32 | 64;
/** Byte offset and width of each field; offsets 33, 57..59 and 93..95 are padding. */
export const VIRTIO_BLK_CONFIG_FIELDS = {
  capacity: [0, 64],
  size_max: [8, 32],
  seg_max: [12, 32],
  'geometry.cylinders': [16, 16],
  'geometry.heads': [18, 8],
  'geometry.sectors': [19, 8],
  blk_size: [20, 32],
  physical_block_exp: [24, 8],
  alignment_offset: [25, 8],
  min_io_size: [26, 16],
  opt_io_size: [28, 32],
  wce: [32, 8],
  num_queues: [34, 16],
  max_discard_sectors: [36, 32],
  max_discard_seg: [40, 32],
  discard_sector_alignment: [44, 32],
  max_write_zeroes_sectors: [48, 32],
  max_write_zeroes_seg: [52, 32],
  write_zeroes_may_unmap: [56, 8],
  max_secure_erase_sectors: [60, 32],
  max_secure_erase_seg: [64, 32],
  secure_erase_sector_alignment: [68, 32],
  'zoned.zone_sectors': [72, 32],
  'zoned.max_open_zones': [76, 32],
  'zoned.max_active_zones': [80, 32],
  'zoned.max_append_sectors': [84, 32],
  'zoned.write_granularity': [88, 32],
  'zoned.model': [92, 8],
} as const satisfies Record<string, readonly [number, Width]>;

export type VirtioBlkConfigField = keyof typeof VIRTIO_BLK_CONFIG_FIELDS;

/** sizeof(struct virtio_blk_config) with every feature's fields: 96 bytes. */
export const VIRTIO_BLK_CONFIG_SIZE = 96;

/**
 * How much of the struct the device exposes: QEMU's virtio_blk_cfg_size_params. Up to num_queues always (36),
 * through discard_sector_alignment with DISCARD (48), through write_zeroes_may_unmap with WRITE_ZEROES (57),
 * the whole struct with ZONED (96). QEMU has no SECURE_ERASE entry.
 */
// QEMU: hw/block/virtio-blk-common.c feature_sizes[], virtio_get_config_size()
export function virtio_blk_config_size(hostFeatures: FeatureSet): number {
  let size: number = VIRTIO_BLK_CONFIG_FIELDS.max_discard_sectors[0];
  if (hasFeature(hostFeatures, VIRTIO_BLK_F_DISCARD)) size = Math.max(size, 48);
  if (hasFeature(hostFeatures, VIRTIO_BLK_F_WRITE_ZEROES)) size = Math.max(size, 57);
  if (hasFeature(hostFeatures, VIRTIO_BLK_F_ZONED)) size = Math.max(size, VIRTIO_BLK_CONFIG_SIZE);
  return size;
}

export function emptyVirtioBlkConfig(): VirtioBlkConfig {
  return {
    capacity: 0n,
    size_max: 0,
    seg_max: 0,
    geometry: { cylinders: 0, heads: 0, sectors: 0 },
    blk_size: 0,
    physical_block_exp: 0,
    alignment_offset: 0,
    min_io_size: 0,
    opt_io_size: 0,
    wce: 0,
    num_queues: 0,
    max_discard_sectors: 0,
    max_discard_seg: 0,
    discard_sector_alignment: 0,
    max_write_zeroes_sectors: 0,
    max_write_zeroes_seg: 0,
    write_zeroes_may_unmap: 0,
    max_secure_erase_sectors: 0,
    max_secure_erase_seg: 0,
    secure_erase_sector_alignment: 0,
    zoned: {
      zone_sectors: 0,
      max_open_zones: 0,
      max_active_zones: 0,
      max_append_sectors: 0,
      write_granularity: 0,
      model: 0,
    },
  };
}

function getField(cfg: VirtioBlkConfig, name: VirtioBlkConfigField): number | bigint {
  const [group, leaf] = name.split('.') as [string, string | undefined];
  const holder = (leaf === undefined ? cfg : cfg[group as 'geometry' | 'zoned']) as unknown as Record<
    string,
    number | bigint
  >;
  return holder[leaf ?? group]!;
}

function setField(cfg: VirtioBlkConfig, name: VirtioBlkConfigField, value: number | bigint): void {
  const [group, leaf] = name.split('.') as [string, string | undefined];
  const holder = (leaf === undefined ? cfg : cfg[group as 'geometry' | 'zoned']) as unknown as Record<
    string,
    number | bigint
  >;
  holder[leaf ?? group] = value;
}

/** Encodes the first `size` bytes of the struct (a device exposes only as much as its features need). */
export function encodeVirtioBlkConfig(cfg: VirtioBlkConfig, size = VIRTIO_BLK_CONFIG_SIZE): Uint8Array {
  if (!Number.isInteger(size) || size < 0 || size > VIRTIO_BLK_CONFIG_SIZE) {
    throw new RangeError(`virtio-blk config size ${size} is outside 0..${VIRTIO_BLK_CONFIG_SIZE}`);
  }
  const full = new Uint8Array(VIRTIO_BLK_CONFIG_SIZE);
  const v = new DataView(full.buffer);
  for (const [name, [off, width]] of Object.entries(VIRTIO_BLK_CONFIG_FIELDS) as [
    VirtioBlkConfigField,
    readonly [number, Width],
  ][]) {
    const value = getField(cfg, name);
    if (width === 64) v.setBigUint64(off, BigInt.asUintN(64, BigInt(value)), true);
    else if (width === 32) v.setUint32(off, Number(value) >>> 0, true);
    else if (width === 16) v.setUint16(off, Number(value) & 0xffff, true);
    else v.setUint8(off, Number(value) & 0xff);
  }
  return full.slice(0, size);
}

/** Decodes whatever fields fit in `bytes`; fields past its end stay 0. */
export function decodeVirtioBlkConfig(bytes: Uint8Array): VirtioBlkConfig {
  const cfg = emptyVirtioBlkConfig();
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const [name, [off, width]] of Object.entries(VIRTIO_BLK_CONFIG_FIELDS) as [
    VirtioBlkConfigField,
    readonly [number, Width],
  ][]) {
    if (off + width / 8 > bytes.length) continue;
    if (width === 64) setField(cfg, name, v.getBigUint64(off, true));
    else if (width === 32) setField(cfg, name, v.getUint32(off, true));
    else if (width === 16) setField(cfg, name, v.getUint16(off, true));
    else setField(cfg, name, v.getUint8(off));
  }
  return cfg;
}

/** QEMU's BDRV_REQUEST_MAX_SECTORS: INT_MAX >> 9, the default max-discard-sectors and max-write-zeroes-sectors. */
export const BDRV_REQUEST_MAX_SECTORS = 0x7fffffff >> SECTOR_SHIFT;

/** QEMU's guess_chs_for_size (hw/block/hd-geometry.c) for a disk without a partition table: 16 heads, 63 sectors. */
export function guess_chs_for_size(capacitySectors: number): { cylinders: number; heads: number; sectors: number } {
  const cylinders = Math.min(16383, Math.max(2, Math.floor(capacitySectors / (16 * 63))));
  return { cylinders, heads: 16, sectors: 63 };
}

export interface QemuBlkConfigOptions {
  capacitySectors: number;
  /** `queue-size` (256 by default); seg_max is queue_size - 2 (`seg-max-adjust`, on by default). */
  queueSize?: number;
  numQueues?: number;
  /** `logical_block_size` in bytes, 512 by default. */
  blkSize?: number;
  hostFeatures: FeatureSet;
}

/** QEMU's virtio_blk_update_config with default properties. */
// QEMU: hw/block/virtio-blk.c virtio_blk_update_config()
export function qemuVirtioBlkConfig(opts: QemuBlkConfigOptions): VirtioBlkConfig {
  const blkSize = opts.blkSize ?? SECTOR_SIZE;
  const cfg = emptyVirtioBlkConfig();
  cfg.capacity = BigInt(opts.capacitySectors);
  cfg.seg_max = (opts.queueSize ?? 256) - 2;
  cfg.size_max = 0;
  cfg.geometry = guess_chs_for_size(opts.capacitySectors);
  cfg.blk_size = blkSize;
  cfg.wce = hasFeature(opts.hostFeatures, VIRTIO_BLK_F_WCE) ? 1 : 0;
  cfg.num_queues = opts.numQueues ?? 1;
  if (hasFeature(opts.hostFeatures, VIRTIO_BLK_F_DISCARD)) {
    cfg.max_discard_sectors = BDRV_REQUEST_MAX_SECTORS;
    cfg.discard_sector_alignment = blkSize >> SECTOR_SHIFT;
    cfg.max_discard_seg = 1;
  }
  if (hasFeature(opts.hostFeatures, VIRTIO_BLK_F_WRITE_ZEROES)) {
    cfg.max_write_zeroes_sectors = BDRV_REQUEST_MAX_SECTORS;
    cfg.write_zeroes_may_unmap = 1;
    cfg.max_write_zeroes_seg = 1;
  }
  return cfg;
}
