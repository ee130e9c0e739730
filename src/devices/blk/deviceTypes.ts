import type { IoVec, VirtQueueElement } from '../../virtio/device/virtQueueElement';
import type { VirtioError } from '../../virtio/errors';

/** The backend operation a request turned into (what QEMU hands to blk_aio_*). Sectors are 512-byte units. */
export type BlkIo =
  | { kind: 'read'; sector: number; iov: IoVec[]; bytes: number }
  | { kind: 'write'; sector: number; iov: IoVec[]; bytes: number }
  | { kind: 'flush' }
  | { kind: 'discard'; sector: number; count: number }
  | { kind: 'write-zeroes'; sector: number; count: number; unmap: boolean };

/**
 * Where a request is on the device side:
 * - `popped`: taken from the avail ring, being parsed;
 * - `in-io`: handed to the backend (the IoScheduler), waiting for its completion tick;
 * - `completed`: status written, pushed to the used ring;
 * - `dropped`: completed while the device was broken: status written, nothing pushed (QEMU's disabled device);
 * - `failed`: the request itself broke the protocol (a VirtioError), detached without completion.
 */
export type BlkReqState = 'popped' | 'in-io' | 'completed' | 'dropped' | 'failed';

/** One request as the UI shows it. */
export interface BlkReqRecord {
  /** Device-side sequence number. */
  id: number;
  queue: number;
  /** Head descriptor index (what goes back in used.ring[].id). */
  head: number;
  /** out_hdr.type as read (null until the header was read). */
  type: number | null;
  typeName: string;
  sector: bigint | null;
  /** Data bytes (the qiov size for IN/OUT; the serial length for GET_ID; the range in bytes for discard). */
  length: number;
  /** All device-writable bytes: what used.len reports. */
  in_len: number;
  state: BlkReqState;
  status: number | null;
  submitTick: number;
  completeTick: number | null;
  /** The interrupt decision after the push: true sent, false suppressed, null not yet. */
  notified: boolean | null;
  error?: VirtioError;
}

/** Counters the UI shows for the device side. */
export interface BlkDeviceCounters {
  /** virtio_blk_handle_output calls (kicks received, including while the device was not running). */
  kicksReceived: number;
  /** Elements popped. */
  requests: number;
  completed: number;
  ok: number;
  ioerr: number;
  unsupp: number;
  /** Requests that raised a VirtioError. */
  failed: number;
  /** Completions dropped because the device was broken. */
  dropped: number;
  interruptsSent: number;
  interruptsSuppressed: number;
  /** Passes of virtio_blk_handle_vq's outer loop beyond the first (the re-check after enabling notifications). */
  notificationRaces: number;
}

export const zeroBlkDeviceCounters = (): BlkDeviceCounters => ({
  kicksReceived: 0,
  requests: 0,
  completed: 0,
  ok: 0,
  ioerr: 0,
  unsupp: 0,
  failed: 0,
  dropped: 0,
  interruptsSent: 0,
  interruptsSuppressed: 0,
  notificationRaces: 0,
});

/** QEMU's VirtIOBlockReq: the element plus where its status byte is and how many bytes are writable. */
export interface VirtIOBlockReq {
  elem: VirtQueueElement;
  queue: number;
  /** Guest address of the status byte (the last device-writable byte). */
  statusAddr: number;
  /** iov_size(in_sg): what virtqueue_push reports. */
  in_len: number;
  record: BlkReqRecord;
}

/** What virtio_blk_handle_request decided: complete now, start backend I/O, or a protocol error. */
export type HandleRequestOutcome =
  { kind: 'complete'; status: number } | { kind: 'io'; io: BlkIo } | { kind: 'error'; error: VirtioError };
