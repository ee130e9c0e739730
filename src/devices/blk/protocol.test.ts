import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SECTOR_SIZE,
  VIRTIO_BLK_ID_BYTES,
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_BARRIER,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_GET_LIFETIME,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_SCSI_CMD,
  VIRTIO_BLK_T_SECURE_ERASE,
  VIRTIO_BLK_T_WRITE_ZEROES,
  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
  blkStatusName,
  blkTypeName,
  decodeDiscardWriteZeroes,
  decodeOuthdr,
  encodeDiscardWriteZeroes,
  encodeOuthdr,
} from './protocol';

describe('virtio-blk protocol constants', () => {
  it('match the spec and Linux uapi values', () => {
    expect([VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_SCSI_CMD, VIRTIO_BLK_T_FLUSH]).toEqual([0, 1, 2, 4]);
    expect([VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_GET_LIFETIME, VIRTIO_BLK_T_DISCARD]).toEqual([8, 10, 11]);
    expect([VIRTIO_BLK_T_WRITE_ZEROES, VIRTIO_BLK_T_SECURE_ERASE]).toEqual([13, 14]);
    expect(VIRTIO_BLK_T_BARRIER).toBe(0x80000000);
    expect([VIRTIO_BLK_S_OK, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_UNSUPP]).toEqual([0, 1, 2]);
    expect(VIRTIO_BLK_ID_BYTES).toBe(20);
    expect(SECTOR_SIZE).toBe(512);
    expect(VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP).toBe(1);
    // DISCARD and WRITE_ZEROES carry the OUT bit, which QEMU's switch masks off.
    expect(VIRTIO_BLK_T_DISCARD & VIRTIO_BLK_T_OUT).toBe(1);
    expect(VIRTIO_BLK_T_WRITE_ZEROES & VIRTIO_BLK_T_OUT).toBe(1);
  });
});

describe('struct virtio_blk_outhdr', () => {
  it('lays out type @0, ioprio @4, sector @8, little-endian, 16 bytes', () => {
    const b = encodeOuthdr({ type: VIRTIO_BLK_T_OUT, ioprio: 0x01020304, sector: 0x1122334455667788n });
    expect(b.length).toBe(16);
    expect([...b]).toEqual([1, 0, 0, 0, 4, 3, 2, 1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
  });

  it('defaults ioprio to 0 and accepts a number sector', () => {
    expect(decodeOuthdr(encodeOuthdr({ type: VIRTIO_BLK_T_FLUSH, sector: 7 }))).toEqual({
      type: 4,
      ioprio: 0,
      sector: 7n,
    });
  });

  it('round-trips any field values', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (type, ioprio, sector) => {
          expect(decodeOuthdr(encodeOuthdr({ type, ioprio, sector }))).toEqual({ type, ioprio, sector });
        },
      ),
    );
  });

  it('decodes at an offset inside a larger buffer', () => {
    const buf = new Uint8Array(40);
    buf.set(encodeOuthdr({ type: 8, sector: 3n }), 20);
    expect(decodeOuthdr(buf, 20)).toEqual({ type: 8, ioprio: 0, sector: 3n });
  });

  it('refuses to decode fewer than 16 bytes', () => {
    expect(() => decodeOuthdr(new Uint8Array(15))).toThrow(RangeError);
    expect(() => decodeOuthdr(new Uint8Array(16), 1)).toThrow(/16 bytes/);
    expect(() => decodeOuthdr(new Uint8Array(16), -1)).toThrow(RangeError);
  });
});

describe('struct virtio_blk_discard_write_zeroes', () => {
  it('lays out sector @0, num_sectors @8, flags @12', () => {
    const b = encodeDiscardWriteZeroes({ sector: 0x100n, num_sectors: 8, flags: VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP });
    expect([...b]).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0]);
    expect(decodeDiscardWriteZeroes(b)).toEqual({ sector: 0x100n, num_sectors: 8, flags: 1 });
  });

  it('round-trips and refuses short input', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        (sector, n, flags) => {
          expect(decodeDiscardWriteZeroes(encodeDiscardWriteZeroes({ sector, num_sectors: n, flags }))).toEqual({
            sector,
            num_sectors: n,
            flags,
          });
        },
      ),
    );
    expect(decodeDiscardWriteZeroes(encodeDiscardWriteZeroes({ sector: 1, num_sectors: 2 })).flags).toBe(0);
    expect(() => decodeDiscardWriteZeroes(new Uint8Array(12))).toThrow(RangeError);
  });
});

describe('names', () => {
  it('names request types, the barrier flag and unknown types', () => {
    expect(blkTypeName(VIRTIO_BLK_T_IN)).toBe('IN');
    expect(blkTypeName(VIRTIO_BLK_T_OUT | VIRTIO_BLK_T_BARRIER)).toBe('OUT|BARRIER');
    expect(blkTypeName(VIRTIO_BLK_T_WRITE_ZEROES)).toBe('WRITE_ZEROES');
    expect(blkTypeName(99)).toBe('0x63');
  });
  it('names status bytes', () => {
    expect(blkStatusName(0)).toBe('OK');
    expect(blkStatusName(1)).toBe('IOERR');
    expect(blkStatusName(2)).toBe('UNSUPP');
    expect(blkStatusName(0xff)).toBe('0xff');
  });
});
