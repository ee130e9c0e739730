import type { VirtIOBlock } from '../../devices/blk/device';
import type { BlkReqRecord } from '../../devices/blk/deviceTypes';
import type { BarrierKind, Tracer } from '../../virtio/trace';
import { u16Sub } from '../../virtio/types';
import { message } from '../messages';
import type { OperationCapture } from './capture';
import type { MissingBarrierWindow, PlayingOperation } from './machineState';

/** What the device's tracer needs of the machine; read at each call (the device is made with the tracer). */
export interface DeviceStepsHost {
  readonly capture: OperationCapture;
  device(): VirtIOBlock;
  /** Which device record each guest request became, by guest request id. */
  popped(): Readonly<Record<number, number>>;
  suspended(): readonly { op: PlayingOperation }[];
  /** Pairs the records just popped with guest requests (see matchPopped). */
  matchPopped(stale: { record: number; request: number } | null): void;
}

/**
 * The device's tracer: the capture, plus a step for each chain popped and each request handed to the disk.
 * QEMU's pop and hand-over write nothing to guest memory, yet they are where a request changes hands.
 */
export class DeviceSteps implements Tracer {
  constructor(private readonly host: DeviceStepsHost) {}

  enter(fn: string): void {
    if (fn === 'virtio_blk_handle_request') this.notePopped();
    this.host.capture.enter(fn);
  }

  leave(fn: string): void {
    this.host.capture.leave(fn);
  }

  barrier(kind: BarrierKind): void {
    this.host.capture.barrier(kind);
  }

  /** QEMU: virtio_blk_get_request() has just wrapped the popped element (the newest record). */
  private notePopped(): void {
    const capture = this.host.capture;
    if (!capture.capturing) return;
    const records = this.host.device().records;
    const record = records[records.length - 1];
    if (!record || record.state !== 'popped') return;
    const stale = this.stalePop(record);
    this.host.matchPopped(stale ? { record: record.id, request: stale.request } : null);
    const entry = Object.entries(this.host.popped()).find(([, recordId]) => recordId === record.id);
    if (!entry) return; // a chain no guest request owns (a misbehaving guest): its errors say what went wrong
    const request = Number(entry[0]);
    capture.note(
      { type: 'popped', request, head: record.head, queue: record.queue },
      stale
        ? message('pop.stale', {
            q: record.queue,
            slot: stale.slot,
            head: record.head,
            expected: stale.head,
            request,
          })
        : message('pop.chain', { q: record.queue, head: record.head, request }),
      'virtqueue_pop',
    );
  }

  /** The missing barrier's unplayed ring entry, when the element just popped came from it (a stale read). */
  private stalePop(record: BlkReqRecord): MissingBarrierWindow | null {
    const vq = this.host.device().vdev.vq[record.queue]?.queue;
    if (!vq) return null;
    const idx = u16Sub(vq.state.last_avail_idx, 1);
    for (const { op } of this.host.suspended()) {
      const mb = op.missingBarrier;
      if (mb && mb.queue === record.queue && mb.availIdx === idx) return mb;
    }
    return null;
  }

  /**
   * QEMU hands a request to the backend (virtio_blk_submit_multireq for reads and writes, after the handler's
   * loop; virtio_blk_handle_request for a flush, discard or write-zeroes): a step of the call doing it.
   */
  noteSubmitted(record: BlkReqRecord): void {
    const capture = this.host.capture;
    if (!capture.capturing) return;
    const entry = Object.entries(this.host.popped()).find(([, recordId]) => recordId === record.id);
    if (!entry) return; // a chain no guest request owns (a misbehaving guest)
    const request = Number(entry[0]);
    const what = { request, type: record.typeName, bytes: record.length };
    capture.note(
      { type: 'io-submitted', request, queue: record.queue },
      record.sector !== null
        ? message('io.submittedAt', { ...what, sector: String(record.sector) })
        : message('io.submitted', what),
    );
  }
}
