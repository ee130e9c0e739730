import type { VirtQueueElement } from '../../virtio/device/virtQueueElement';
import type { VirtioError } from '../../virtio/errors';
import { hasFeature, type FeatureSet } from '../../virtio/features';
import type { GuestMemory } from '../../virtio/guestMemory';
import { blkDiscardHeaderTooShort, blkInhdrTooShort, blkMissingHeaders, blkOuthdrTooShort } from './blkErrors';
import { BDRV_REQUEST_MAX_SECTORS } from './config';
import type { BlkIo } from './deviceTypes';
import { VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES } from './features';
import { iov_discard_back, iov_discard_front, iov_from_buf, iov_size, iov_to_buf } from './iov';
import {
  SECTOR_SHIFT,
  VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE,
  VIRTIO_BLK_ID_BYTES,
  VIRTIO_BLK_INHDR_SIZE,
  VIRTIO_BLK_OUTHDR_SIZE,
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_BARRIER,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_WRITE_ZEROES,
  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
  decodeDiscardWriteZeroes,
  decodeOuthdr,
  type VirtioBlkOuthdr,
} from './protocol';

/** What the request parser needs to know about the device. */
export interface BlkRequestContext {
  mem: GuestMemory;
  /** Disk size in 512-byte sectors (blk_get_geometry). */
  capacity: number;
  /** conf.logical_block_size in bytes (512 by default). */
  logicalBlockSize: number;
  /** The `serial` property, answered to GET_ID. */
  serial: string;
  /** The negotiated features. */
  guestFeatures: FeatureSet;
  maxDiscardSectors: number;
  maxWriteZeroesSectors: number;
}

/** What the parser decided about one request. */
export type ParsedBlkRequest =
  | { ok: false; error: VirtioError; hdr: VirtioBlkOuthdr | null }
  | {
      ok: true;
      hdr: VirtioBlkOuthdr;
      /** Guest address of the status byte. */
      statusAddr: number;
      /** iov_size(in_sg), status byte included: the used length. */
      in_len: number;
      /** Data bytes the request covers, for the UI. */
      length: number;
      outcome: { kind: 'complete'; status: number } | { kind: 'io'; io: BlkIo };
    };

/** QEMU: virtio_blk_sect_range_ok(). A failure is an I/O error for the guest, not a protocol error. */
export function virtio_blk_sect_range_ok(ctx: BlkRequestContext, sector: bigint, size: number): boolean {
  const nbSectors = Math.floor(size / 2 ** SECTOR_SHIFT);
  const sectorMask = BigInt(ctx.logicalBlockSize / 2 ** SECTOR_SHIFT - 1);
  if (nbSectors > BDRV_REQUEST_MAX_SECTORS) return false;
  if ((sector & sectorMask) !== 0n) return false;
  if (size % ctx.logicalBlockSize !== 0) return false;
  const total = BigInt(ctx.capacity);
  return !(sector > total || BigInt(nbSectors) > total - sector);
}

/** QEMU: virtio_blk_handle_discard_write_zeroes(). A status to complete with, or the backend operation. */
function handleDiscardWriteZeroes(
  ctx: BlkRequestContext,
  seg: { sector: bigint; num_sectors: number; flags: number },
  isWriteZeroes: boolean,
): { status: number } | { io: BlkIo } {
  const max = isWriteZeroes ? ctx.maxWriteZeroesSectors : ctx.maxDiscardSectors;
  if (seg.num_sectors > max) return { status: VIRTIO_BLK_S_IOERR };
  if (!virtio_blk_sect_range_ok(ctx, seg.sector, seg.num_sectors * 2 ** SECTOR_SHIFT)) {
    return { status: VIRTIO_BLK_S_IOERR };
  }
  // Unknown flags, and UNMAP on a discard, are unsupported (spec §5.2.6.2).
  if (seg.flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) return { status: VIRTIO_BLK_S_UNSUPP };
  const sector = Number(seg.sector);
  if (isWriteZeroes) {
    const unmap = (seg.flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) !== 0;
    return { io: { kind: 'write-zeroes', sector, count: seg.num_sectors, unmap } };
  }
  if (seg.flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) return { status: VIRTIO_BLK_S_UNSUPP };
  return { io: { kind: 'discard', sector, count: seg.num_sectors } };
}

/**
 * QEMU: virtio_blk_handle_request(). Splits the element into header, data and status byte, and decides what
 * to do. GET_ID writes the serial here (it completes at once); IN/OUT/FLUSH/DISCARD/WRITE_ZEROES become backend
 * I/O; range problems complete with IOERR, unknown types with UNSUPP. A malformed element is a VirtioError.
 */
export function virtio_blk_handle_request(ctx: BlkRequestContext, elem: VirtQueueElement): ParsedBlkRequest {
  const { mem } = ctx;
  if (elem.out_sg.length < 1 || elem.in_sg.length < 1) {
    return { ok: false, error: blkMissingHeaders(elem.out_sg.length, elem.in_sg.length), hdr: null };
  }
  const hdrBytes = iov_to_buf(mem, elem.out_sg, 0, VIRTIO_BLK_OUTHDR_SIZE);
  if (hdrBytes.length !== VIRTIO_BLK_OUTHDR_SIZE) {
    return { ok: false, error: blkOuthdrTooShort(iov_size(elem.out_sg)), hdr: null };
  }
  const hdr = decodeOuthdr(hdrBytes);
  const out_iov = iov_discard_front(elem.out_sg, VIRTIO_BLK_OUTHDR_SIZE);

  const lastIn = elem.in_sg[elem.in_sg.length - 1]!;
  if (lastIn.len < VIRTIO_BLK_INHDR_SIZE) return { ok: false, error: blkInhdrTooShort(lastIn.len), hdr };
  // The status byte is the last byte of the last writable buffer; every writable byte counts in used.len.
  const in_len = iov_size(elem.in_sg);
  const statusAddr = lastIn.addr + lastIn.len - VIRTIO_BLK_INHDR_SIZE;
  const in_iov = iov_discard_back(elem.in_sg, VIRTIO_BLK_INHDR_SIZE);

  const done = (status: number, length = 0): ParsedBlkRequest => ({
    ok: true,
    hdr,
    statusAddr,
    in_len,
    length,
    outcome: { kind: 'complete', status },
  });
  const io = (op: BlkIo, length: number): ParsedBlkRequest => ({
    ok: true,
    hdr,
    statusAddr,
    in_len,
    length,
    outcome: { kind: 'io', io: op },
  });

  const type = hdr.type;
  // OUT gives the direction and BARRIER is a legacy flag QEMU ignores, so both are masked off.
  switch ((type & ~(VIRTIO_BLK_T_OUT | VIRTIO_BLK_T_BARRIER)) >>> 0) {
    case VIRTIO_BLK_T_IN: {
      const isWrite = (type & VIRTIO_BLK_T_OUT) !== 0;
      const qiov = isWrite ? out_iov : in_iov;
      const bytes = iov_size(qiov);
      if (!virtio_blk_sect_range_ok(ctx, hdr.sector, bytes)) return done(VIRTIO_BLK_S_IOERR, bytes);
      const sector = Number(hdr.sector);
      return io(
        isWrite ? { kind: 'write', sector, iov: qiov, bytes } : { kind: 'read', sector, iov: qiov, bytes },
        bytes,
      );
    }
    case VIRTIO_BLK_T_FLUSH:
      return io({ kind: 'flush' }, 0);
    case VIRTIO_BLK_T_GET_ID: {
      // The serial is NUL-terminated only when shorter than the buffer.
      const serial = new TextEncoder().encode(ctx.serial);
      const size = Math.min(serial.length + 1, iov_size(in_iov), VIRTIO_BLK_ID_BYTES);
      const answer = new Uint8Array(size);
      answer.set(serial.subarray(0, size));
      iov_from_buf(mem, in_iov, 0, answer);
      return done(VIRTIO_BLK_S_OK, size);
    }
    case VIRTIO_BLK_T_DISCARD & ~VIRTIO_BLK_T_OUT:
    case VIRTIO_BLK_T_WRITE_ZEROES & ~VIRTIO_BLK_T_OUT: {
      const isWriteZeroes = (type & ~VIRTIO_BLK_T_BARRIER) >>> 0 === VIRTIO_BLK_T_WRITE_ZEROES;
      const feature = isWriteZeroes ? VIRTIO_BLK_F_WRITE_ZEROES : VIRTIO_BLK_F_DISCARD;
      const outLen = iov_size(out_iov);
      // Not negotiated, no OUT bit, or more than one segment: unsupported.
      if (
        !hasFeature(ctx.guestFeatures, feature) ||
        !(type & VIRTIO_BLK_T_OUT) ||
        outLen > VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE
      ) {
        return done(VIRTIO_BLK_S_UNSUPP);
      }
      const segBytes = iov_to_buf(mem, out_iov, 0, VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE);
      if (segBytes.length !== VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE) {
        return { ok: false, error: blkDiscardHeaderTooShort(outLen), hdr };
      }
      const seg = decodeDiscardWriteZeroes(segBytes);
      const r = handleDiscardWriteZeroes(ctx, seg, isWriteZeroes);
      const length = seg.num_sectors * 2 ** SECTOR_SHIFT;
      return 'status' in r ? done(r.status, length) : io(r.io, length);
    }
    default:
      return done(VIRTIO_BLK_S_UNSUPP);
  }
}
