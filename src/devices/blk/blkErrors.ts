import { virtioError, type VirtioError } from '../../virtio/errors';

// The VirtioErrors virtio-blk's request parser raises (QEMU hw/block/virtio-blk.c, virtio_error()). Spec §5.2.6:
// a request is a 16-byte device-readable header, then data, then a device-writable status byte.

export const blkMissingHeaders = (outNum: number, inNum: number): VirtioError =>
  virtioError('blk-missing-headers', {
    message: 'virtio-blk missing headers',
    spec: '5.2.6',
    where: 'virtio_blk_handle_request',
    detail: { out_num: outNum, in_num: inNum },
  });

export const blkOuthdrTooShort = (outBytes: number): VirtioError =>
  virtioError('blk-outhdr-too-short', {
    message: 'virtio-blk request outhdr too short',
    spec: '5.2.6',
    where: 'virtio_blk_handle_request',
    detail: { out_bytes: outBytes, needed: 16 },
  });

export const blkInhdrTooShort = (lastInLen: number): VirtioError =>
  virtioError('blk-inhdr-too-short', {
    message: 'virtio-blk request inhdr too short',
    spec: '5.2.6',
    where: 'virtio_blk_handle_request',
    detail: { last_in_len: lastInLen, needed: 1 },
  });

export const blkDiscardHeaderTooShort = (outBytes: number): VirtioError =>
  virtioError('blk-discard-header-too-short', {
    message: 'virtio-blk discard/write_zeroes header too short',
    spec: '5.2.6',
    where: 'virtio_blk_handle_request',
    detail: { out_bytes: outBytes, needed: 16 },
  });
