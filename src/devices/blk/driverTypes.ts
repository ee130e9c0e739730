import type { Region } from '../../virtio/allocationMap';

/** The block-layer operation a request carries (Linux's REQ_OP_*), as the guest's users ask for it. */
export type BlkOp = 'read' | 'write' | 'flush' | 'discard' | 'write-zeroes' | 'secure-erase' | 'get-id';

/** What a user of the disk submits: one block-layer request. */
export interface BlkIoRequest {
  op: BlkOp;
  /** First 512-byte sector (read, write, discard, write-zeroes, secure-erase). */
  sector?: number;
  /** Sectors to read / discard / zero; for a write it is data.length / 512. */
  nsectors?: number;
  /** The bytes to write (a multiple of 512). */
  data?: Uint8Array;
  /** WRITE_ZEROES may unmap (Linux: !REQ_NOUNMAP). Default true, as for a plain blkdev_issue_zeroout. */
  unmap?: boolean;
  /** blk-mq hardware queue; the CPU-to-queue mapping is the caller's. Default 0. */
  queue?: number;
  /**
   * Skip the block layer's checks (range, read-only, unsupported operation), so the device sees the request as
   * given: how the visualizer shows the device's IOERR and UNSUPP answers.
   */
  bypassBlockLayer?: boolean;
}

/** Linux's blk_status_t values a virtio-blk request can end with. */
export type BlkStatusT = 'BLK_STS_OK' | 'BLK_STS_NOTSUPP' | 'BLK_STS_IOERR' | 'BLK_STS_RESOURCE';

/**
 * Where a request is in its life:
 * - `pending`: in blk-mq's dispatch list (not yet in the ring, or pushed back after ENOSPC);
 * - `in-flight`: its chain is in the avail ring, owned by the device;
 * - `completed`: virtblk_done took it back and ended it (`result` says how);
 * - `rejected`: the block layer or setup refused it before it reached the ring.
 */
export type VirtblkReqState = 'pending' | 'in-flight' | 'completed' | 'rejected';

/** One request: Linux's `struct request` with its `struct virtblk_req` pdu. The token given to the virtqueue. */
export interface VirtblkReq {
  /** Unique id; also the owner of its regions in the allocation map. */
  readonly id: number;
  readonly queue: number;
  readonly op: BlkOp;
  /** VIRTIO_BLK_T_* put in out_hdr.type. */
  readonly type: number;
  /** out_hdr.sector (0 for flush, discard, write-zeroes, get-id, as Linux sets it). */
  readonly sector: number;
  readonly nsectors: number;
  state: VirtblkReqState;
  /** Guest buffers, allocated on first dispatch and freed at completion. */
  out_hdr: Region | null;
  /** The data buffer, or the discard/write-zeroes range for those commands. */
  data: Region | null;
  status: Region | null;
  /** The scatterlists handed to virtqueue_add_sgs (for the UI). */
  out: { addr: number; len: number }[];
  in_: { addr: number; len: number }[];
  /** The descriptor chain's head while in flight (and after, for the record). */
  head: number | null;
  /** Times virtio_queue_rq was tried (more than 1 after ENOSPC). */
  attempts: number;
  /** Status byte read at completion. */
  statusByte: number | null;
  /** `used.len` the device reported (Linux ignores it; kept for the UI). */
  usedLen: number | null;
  result: BlkStatusT | null;
  /** What the device wrote: the read data or the GET_ID serial, on success. */
  readData: Uint8Array | null;
  /** For writes: the bytes sent. */
  writeData: Uint8Array | null;
  unmap: boolean;
  /** Why the block layer refused it, for `rejected`. */
  rejectReason?: string;
}

/** Counters the UI shows for the guest side. */
export interface VirtblkCounters {
  submitted: number;
  /** virtqueue_add_sgs succeeded. */
  added: number;
  /** virtqueue_kick_prepare said yes and virtqueue_notify ran. */
  kicks: number;
  /** virtqueue_kick_prepare said no. */
  kicksSuppressed: number;
  /** Notifies virtqueue_add_split sends by itself on ENOSPC (Linux's "historical" notify). */
  forcedNotifies: number;
  enospc: number;
  /** blk_mq_stop_hw_queue calls and restarts by virtblk_done. */
  queueStops: number;
  queueRestarts: number;
  /** vring_interrupt calls with work (IRQ_HANDLED) and without (IRQ_NONE). */
  interrupts: number;
  spuriousInterrupts: number;
  /** Interrupts that arrived while one was already held back by the queue lock, and merged with it. */
  interruptsMerged: number;
  completed: number;
  ok: number;
  ioerr: number;
  notsupp: number;
  rejected: number;
}

export const zeroVirtblkCounters = (): VirtblkCounters => ({
  submitted: 0,
  added: 0,
  kicks: 0,
  kicksSuppressed: 0,
  forcedNotifies: 0,
  enospc: 0,
  queueStops: 0,
  queueRestarts: 0,
  interrupts: 0,
  spuriousInterrupts: 0,
  interruptsMerged: 0,
  completed: 0,
  ok: 0,
  ioerr: 0,
  notsupp: 0,
  rejected: 0,
});
