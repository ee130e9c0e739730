import { hasFeature, type FeatureSet } from '../../virtio/features';
import {
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SECURE_ERASE,
  VIRTIO_BLK_F_WRITE_ZEROES,
} from './features';
import type { BlkIoRequest, BlkOp, BlkStatusT } from './driverTypes';
import {
  SECTOR_SIZE,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_SECURE_ERASE,
  VIRTIO_BLK_T_WRITE_ZEROES,
} from './protocol';

/** The out_hdr fields Linux fills for each operation. */
export interface VirtblkCmd {
  type: number;
  /** 0 for the commands whose range travels in a discard/write-zeroes segment, and for flush and get-id. */
  sector: number;
}

/** Linux: virtblk_setup_cmd(). Reads and writes carry their sector in the header; the rest carry 0. */
export function virtblk_setup_cmd(op: BlkOp, sector: number): VirtblkCmd {
  switch (op) {
    case 'read':
      return { type: VIRTIO_BLK_T_IN, sector };
    case 'write':
      return { type: VIRTIO_BLK_T_OUT, sector };
    case 'flush':
      return { type: VIRTIO_BLK_T_FLUSH, sector: 0 };
    case 'discard':
      return { type: VIRTIO_BLK_T_DISCARD, sector: 0 };
    case 'write-zeroes':
      return { type: VIRTIO_BLK_T_WRITE_ZEROES, sector: 0 };
    case 'secure-erase':
      return { type: VIRTIO_BLK_T_SECURE_ERASE, sector: 0 };
    case 'get-id':
      // Linux: virtblk_get_id() fills the header itself (REQ_OP_DRV_IN).
      return { type: VIRTIO_BLK_T_GET_ID, sector: 0 };
  }
}

/** Linux: virtblk_result(). Every status other than OK and UNSUPP (zoned ones aside) is an I/O error. */
export function virtblk_result(status: number): BlkStatusT {
  if (status === VIRTIO_BLK_S_OK) return 'BLK_STS_OK';
  if (status === VIRTIO_BLK_S_UNSUPP) return 'BLK_STS_NOTSUPP';
  return 'BLK_STS_IOERR';
}

/** Which data direction the request's payload takes: Linux puts it in the out list when `type & OUT`. */
export const isOutType = (type: number): boolean => (type & VIRTIO_BLK_T_OUT) !== 0;

/** What the guest's block layer knows about the disk, from probe. */
export interface BlockLimits {
  features: FeatureSet;
  /** Capacity in 512-byte sectors. */
  capacity: number;
  /** Write-back cache in use (virtblk_get_cache_mode): without one, flushes never reach the driver. */
  writeback: boolean;
}

/**
 * The checks Linux's block layer makes before a request reaches virtio_queue_rq (bio_check_eod, bio_check_ro,
 * the discard/write-zeroes limits being 0 without the feature). Returns why it would refuse, or null.
 * A flush on a write-through queue is completed by blk-flush without reaching the driver: reported as 'no-op'.
 */
export function blockLayerCheck(req: BlkIoRequest, limits: BlockLimits): { reason: string; noop?: true } | null {
  const { features, capacity } = limits;
  const ro = hasFeature(features, VIRTIO_BLK_F_RO);
  const sector = req.sector ?? 0;
  const count = req.op === 'write' ? (req.data?.length ?? 0) / SECTOR_SIZE : (req.nsectors ?? 0);
  const ranged = req.op === 'read' || req.op === 'write' || req.op === 'discard' || req.op === 'write-zeroes';
  if (req.op === 'secure-erase' && !hasFeature(features, VIRTIO_BLK_F_SECURE_ERASE)) {
    return { reason: 'secure erase not supported (VIRTIO_BLK_F_SECURE_ERASE not negotiated)' };
  }
  if (req.op === 'discard' && !hasFeature(features, VIRTIO_BLK_F_DISCARD)) {
    return { reason: 'discard not supported (VIRTIO_BLK_F_DISCARD not negotiated)' };
  }
  if (req.op === 'write-zeroes' && !hasFeature(features, VIRTIO_BLK_F_WRITE_ZEROES)) {
    return { reason: 'write zeroes not supported (VIRTIO_BLK_F_WRITE_ZEROES not negotiated)' };
  }
  if (ro && (req.op === 'write' || req.op === 'discard' || req.op === 'write-zeroes' || req.op === 'secure-erase')) {
    return { reason: 'write to a read-only disk (VIRTIO_BLK_F_RO)' };
  }
  if (req.op === 'flush' && !limits.writeback) return { reason: 'flush on a write-through queue', noop: true };
  if (ranged && (count < 1 || sector < 0 || sector + count > capacity)) {
    return { reason: `access beyond end of device: sectors ${sector}+${count} of ${capacity}` };
  }
  return null;
}
