// virtio-blk request format: spec §5.2.6, Linux include/uapi/linux/virtio_blk.h, QEMU hw/block/virtio-blk.c.
// Every field is little-endian (virtio 1.x).

/** Request types (`virtio_blk_outhdr.type`). IN and OUT give the direction; the others are commands. */
export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
/** Legacy SCSI pass-through; a VERSION_1 device never offers it (QEMU refuses scsi=on with virtio 1.0). */
export const VIRTIO_BLK_T_SCSI_CMD = 2;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_T_GET_LIFETIME = 10;
export const VIRTIO_BLK_T_DISCARD = 11;
export const VIRTIO_BLK_T_WRITE_ZEROES = 13;
export const VIRTIO_BLK_T_SECURE_ERASE = 14;
export const VIRTIO_BLK_T_ZONE_APPEND = 15;
export const VIRTIO_BLK_T_ZONE_REPORT = 16;
export const VIRTIO_BLK_T_ZONE_OPEN = 18;
export const VIRTIO_BLK_T_ZONE_CLOSE = 20;
export const VIRTIO_BLK_T_ZONE_FINISH = 22;
export const VIRTIO_BLK_T_ZONE_RESET = 24;
export const VIRTIO_BLK_T_ZONE_RESET_ALL = 26;
/** Legacy flag OR-ed into `type`; QEMU keeps ignoring it. */
export const VIRTIO_BLK_T_BARRIER = 0x80000000;

/** Status byte, the last byte of the device-writable part. */
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;
export const VIRTIO_BLK_S_ZONE_INVALID_CMD = 3;
export const VIRTIO_BLK_S_ZONE_UNALIGNED_WP = 4;
export const VIRTIO_BLK_S_ZONE_OPEN_RESOURCE = 5;
export const VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE = 6;

/** Length of the GET_ID answer (the serial), not NUL-terminated when it fills all 20 bytes. */
export const VIRTIO_BLK_ID_BYTES = 20;

/** virtio-blk sectors are always 512 bytes, whatever the device's blk_size. */
export const SECTOR_SIZE = 512;
export const SECTOR_SHIFT = 9;

/** sizeof(struct virtio_blk_outhdr) and sizeof(struct virtio_blk_inhdr) (the status byte alone). */
export const VIRTIO_BLK_OUTHDR_SIZE = 16;
export const VIRTIO_BLK_INHDR_SIZE = 1;

/** `struct virtio_blk_discard_write_zeroes` is 16 bytes; its flags word has one defined bit. */
export const VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE = 16;
export const VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP = 1;

export type VirtioBlkStatus = number;

/** `struct virtio_blk_outhdr`. `sector` is a bigint because a guest may write any 64-bit value there. */
export interface VirtioBlkOuthdr {
  type: number;
  ioprio: number;
  sector: bigint;
}

/** `struct virtio_blk_discard_write_zeroes`: one range of a DISCARD / WRITE_ZEROES / SECURE_ERASE request. */
export interface VirtioBlkDiscardWriteZeroes {
  sector: bigint;
  num_sectors: number;
  flags: number;
}

function need(bytes: Uint8Array, offset: number, len: number, what: string): DataView {
  if (!Number.isInteger(offset) || offset < 0 || offset + len > bytes.length) {
    throw new RangeError(`${what} needs ${len} bytes at offset ${offset}, the buffer has ${bytes.length}`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset + offset, len);
}

export function encodeOuthdr(hdr: { type: number; ioprio?: number; sector: bigint | number }): Uint8Array {
  const out = new Uint8Array(VIRTIO_BLK_OUTHDR_SIZE);
  const v = new DataView(out.buffer);
  v.setUint32(0, hdr.type >>> 0, true);
  v.setUint32(4, (hdr.ioprio ?? 0) >>> 0, true);
  v.setBigUint64(8, BigInt.asUintN(64, BigInt(hdr.sector)), true);
  return out;
}

/** Throws RangeError when fewer than 16 bytes follow `offset`: callers check the length first, as QEMU does. */
export function decodeOuthdr(bytes: Uint8Array, offset = 0): VirtioBlkOuthdr {
  const v = need(bytes, offset, VIRTIO_BLK_OUTHDR_SIZE, 'struct virtio_blk_outhdr');
  return { type: v.getUint32(0, true), ioprio: v.getUint32(4, true), sector: v.getBigUint64(8, true) };
}

export function encodeDiscardWriteZeroes(seg: {
  sector: bigint | number;
  num_sectors: number;
  flags?: number;
}): Uint8Array {
  const out = new Uint8Array(VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt.asUintN(64, BigInt(seg.sector)), true);
  v.setUint32(8, seg.num_sectors >>> 0, true);
  v.setUint32(12, (seg.flags ?? 0) >>> 0, true);
  return out;
}

export function decodeDiscardWriteZeroes(bytes: Uint8Array, offset = 0): VirtioBlkDiscardWriteZeroes {
  const v = need(bytes, offset, VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE, 'struct virtio_blk_discard_write_zeroes');
  return { sector: v.getBigUint64(0, true), num_sectors: v.getUint32(8, true), flags: v.getUint32(12, true) };
}

const TYPE_NAMES: Record<number, string> = {
  [VIRTIO_BLK_T_IN]: 'IN',
  [VIRTIO_BLK_T_OUT]: 'OUT',
  [VIRTIO_BLK_T_SCSI_CMD]: 'SCSI_CMD',
  [VIRTIO_BLK_T_SCSI_CMD | VIRTIO_BLK_T_OUT]: 'SCSI_CMD|OUT',
  [VIRTIO_BLK_T_FLUSH]: 'FLUSH',
  [VIRTIO_BLK_T_GET_ID]: 'GET_ID',
  [VIRTIO_BLK_T_GET_LIFETIME]: 'GET_LIFETIME',
  [VIRTIO_BLK_T_DISCARD]: 'DISCARD',
  [VIRTIO_BLK_T_WRITE_ZEROES]: 'WRITE_ZEROES',
  [VIRTIO_BLK_T_SECURE_ERASE]: 'SECURE_ERASE',
  [VIRTIO_BLK_T_ZONE_APPEND]: 'ZONE_APPEND',
  [VIRTIO_BLK_T_ZONE_REPORT]: 'ZONE_REPORT',
  [VIRTIO_BLK_T_ZONE_OPEN]: 'ZONE_OPEN',
  [VIRTIO_BLK_T_ZONE_CLOSE]: 'ZONE_CLOSE',
  [VIRTIO_BLK_T_ZONE_FINISH]: 'ZONE_FINISH',
  [VIRTIO_BLK_T_ZONE_RESET]: 'ZONE_RESET',
  [VIRTIO_BLK_T_ZONE_RESET_ALL]: 'ZONE_RESET_ALL',
};

/** "IN", "OUT", "FLUSH", "OUT|BARRIER", or the number for unknown types: for the UI and messages. */
export function blkTypeName(type: number): string {
  const barrier = (type & VIRTIO_BLK_T_BARRIER) !== 0;
  const base = (type & ~VIRTIO_BLK_T_BARRIER) >>> 0;
  const name = TYPE_NAMES[base] ?? `0x${base.toString(16)}`;
  return barrier ? `${name}|BARRIER` : name;
}

const STATUS_NAMES: Record<number, string> = {
  [VIRTIO_BLK_S_OK]: 'OK',
  [VIRTIO_BLK_S_IOERR]: 'IOERR',
  [VIRTIO_BLK_S_UNSUPP]: 'UNSUPP',
  [VIRTIO_BLK_S_ZONE_INVALID_CMD]: 'ZONE_INVALID_CMD',
  [VIRTIO_BLK_S_ZONE_UNALIGNED_WP]: 'ZONE_UNALIGNED_WP',
  [VIRTIO_BLK_S_ZONE_OPEN_RESOURCE]: 'ZONE_OPEN_RESOURCE',
  [VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE]: 'ZONE_ACTIVE_RESOURCE',
};

export function blkStatusName(status: number): string {
  return STATUS_NAMES[status] ?? `0x${status.toString(16)}`;
}
