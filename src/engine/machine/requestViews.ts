import type { BlkReqRecord } from '../../devices/blk/deviceTypes';
import type { VirtblkReq } from '../../devices/blk/driverTypes';
import type { RequestStage, RequestView } from '../view';
import { privateStage, type ShownStages } from './requestStages';

/** How many finished requests the requests table keeps. */
export const RECENT_DONE = 32;

/** The device record (QEMU's request) with id `id`, or undefined when there is none. */
export function findRecord(records: readonly BlkReqRecord[], id: number): BlkReqRecord | undefined {
  // Records are kept in id order: a binary search, since this runs for every live request at every operation.
  let lo = 0;
  let hi = records.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = records[mid]!;
    if (r.id === id) return r;
    if (r.id < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return records.find((r) => r.id === id);
}

/** Each live request's stage by private state: where the steps of an operation about to be played start. */
export function privateStages(
  requests: Iterable<VirtblkReq>,
  recordOf: (id: number) => BlkReqRecord | undefined,
  queues?: readonly number[],
  from?: ReadonlySet<RequestStage>,
): ShownStages {
  const stages: ShownStages = {};
  for (const req of requests) {
    if (queues && !queues.includes(req.queue)) continue;
    // A request that is done does not move; neither does one the other side holds.
    if (from && (req.state === 'completed' || req.state === 'rejected')) continue;
    const stage = privateStage(req, req.state === 'pending' ? undefined : recordOf(req.id));
    if (!from || from.has(stage)) stages[req.id] = stage;
  }
  return stages;
}

const GUEST_SUBMITS: ReadonlySet<RequestStage> = new Set(['queued']);
const GUEST_REAPS: ReadonlySet<RequestStage> = new Set(['in used']);
const DEVICE_MOVES: ReadonlySet<RequestStage> = new Set(['in avail', 'popped', 'in I/O']);

/**
 * The stages an operation of `actor` can move a request on from: a vCPU adds queued ones to the avail ring, the
 * interrupt handler takes back the used ones, an IOThread pops, submits and completes the rest.
 */
export function movableStages(actor: string): ReadonlySet<RequestStage> {
  if (actor.startsWith('vcpu')) return GUEST_SUBMITS;
  if (actor === 'irq') return GUEST_REAPS;
  return DEVICE_MOVES;
}

const latencyOf = (record: BlkReqRecord | undefined): number | null =>
  record && record.completeTick !== null ? record.completeTick - record.submitTick : null;

/** A live request's row: `shown` are the stages played so far mid-operation, null between operations. */
export function liveRequestView(
  req: VirtblkReq,
  record: BlkReqRecord | undefined,
  shown: ShownStages | null,
): RequestView {
  const stage: RequestStage = shown ? (shown[req.id] ?? 'queued') : privateStage(req, record);
  // The status byte and latency show once the device has given the request back.
  const back = stage === 'in used' || stage === 'completed';
  return {
    id: req.id,
    queue: req.queue,
    op: req.op,
    sector: req.sector,
    nsectors: req.nsectors,
    head: req.head,
    stage,
    status: back ? (record?.status ?? null) : null,
    latency: back ? latencyOf(record) : null,
  };
}

/** A finished request's row, kept after it leaves the driver's map. */
export function doneRequestView(req: VirtblkReq, record: BlkReqRecord | undefined): RequestView {
  return {
    id: req.id,
    queue: req.queue,
    op: req.op,
    sector: req.sector,
    nsectors: req.nsectors,
    head: req.head,
    stage: req.state === 'rejected' ? 'rejected' : 'completed',
    status: req.statusByte,
    latency: latencyOf(record),
  };
}
