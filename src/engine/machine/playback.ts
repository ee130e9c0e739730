import type { AllocationMap } from '../../virtio/allocationMap';
import type { GuestMemory } from '../../virtio/guestMemory';
import { message, renderStep } from '../messages';
import { fromHex, type ActorId, type StepEvent, type StepFrame, type StepRecord } from '../step';
import { framesOf, type CallTree, type CapturedItem } from './capture';
import { describeItem } from './explain';
import type { MissingBarrierWindow } from './machineState';
import { sourceOf } from './sources';

/** The real function an actor's move runs. */
export function topFunction(actor: ActorId): string {
  if (actor === 'irq') return 'vring_interrupt';
  if (actor.startsWith('vcpu')) return 'virtio_queue_rq';
  return 'virtio_blk_handle_output';
}

/**
 * A step's frames without the operation's own root call when real calls run inside it: the root is named after
 * the actor's entry (topFunction), so kept above them it would read as a call the real code never makes
 * (virtio_queue_rq > blk_mq_run_hw_queue > virtio_queue_rq, or an AIO completion inside virtio_blk_handle_output).
 */
function withoutRoot(frames: StepFrame[], root: number): StepFrame[] {
  return frames.length > 1 && frames[0]!.call === root ? frames.slice(1) : frames;
}

/**
 * Plays one captured item: its store goes into memory, and the step record that shows it is made. `last`: the
 * item ends its operation (call).
 */
export function playItem(
  item: CapturedItem,
  at: { index: number; actor: ActorId; call: number; last: boolean; calls?: CallTree },
  mem: GuestMemory,
  alloc: AllocationMap,
  queueSizes: readonly number[],
): StepRecord {
  const fn = item.fn || topFunction(at.actor);
  const record: StepRecord = {
    index: at.index,
    actor: at.actor,
    fn,
    source: sourceOf(fn, at.actor),
    kind: item.kind === 'write' ? 'write' : item.kind === 'barrier' ? 'barrier' : 'action',
    explain: '',
    message: message('noop'),
    writes: [],
    events: [],
    call: item.c ?? at.call,
    operation: at.call,
    frames: item.c === undefined ? [{ fn, call: at.call }] : withoutRoot(framesOf(at.calls, item.c), at.call),
    callEnd: at.last,
  };
  if (item.kind === 'write') {
    mem.writeBytes(item.addr, fromHex(item.new));
    record.writes.push({ addr: item.addr, old: item.old, new: item.new });
    record.message = describeItem(item, alloc, queueSizes);
    if (item.fault) record.fault = item.fault;
    const region = alloc.regionAt(item.addr);
    if (region?.queue !== undefined) record.queue = region.queue;
    if (region?.owner !== undefined) record.request = region.owner;
  } else if (item.kind === 'barrier') {
    record.message = describeItem(item, alloc, queueSizes);
    record.events.push({ type: 'barrier', kind: item.barrier });
  } else {
    record.message = item.message;
    record.events.push(item.event);
    const e = item.event as StepEvent & { queue?: number; request?: number };
    if (e.queue !== undefined && e.queue >= 0) record.queue = e.queue;
    if (e.request !== undefined) record.request = e.request;
  }
  record.explain = renderStep(record.message, record.fault);
  return record;
}

/** The queue whose doorbell a kick step played now rings: one the missing barrier held back until this step. */
export function heldKick(item: CapturedItem, mb: MissingBarrierWindow | undefined): number | null {
  if (item.kind !== 'event' || item.event.type !== 'kick') return null;
  return mb?.bells.includes(item.event.queue) ? item.event.queue : null;
}

/** True when the store about to be played (position `next`) lies in the missing barrier's window. */
export function inBarrierWindow(mb: MissingBarrierWindow | undefined, next: number, last: boolean): boolean {
  return !last && mb !== undefined && next >= mb.from && next <= mb.to;
}
