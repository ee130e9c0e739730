import type { AllocationMap } from '../../virtio/allocationMap';
import type { VirtIOBlock } from '../../devices/blk/device';
import type { VirtioBlk } from '../../devices/blk/driver';
import type { ActorId } from '../step';
import type { RequestView } from '../view';
import type { CallTree, CapturedItem } from './capture';
import type { PolicyState } from './policy';
import type { PrivateShown } from './privateState';
import type { ShownStages } from './requestStages';

export type RunEnd = 'completed' | 'device-error' | 'driver-error' | 'stalled';

export interface MachineCounters {
  requests: number;
  completed: number;
  kicks: number;
  kicks_suppressed: number;
  interrupts: number;
  interrupts_suppressed: number;
  ring_full: number;
  kicks_lost: number;
  interrupts_lost: number;
}

/** Every counter at zero: a new machine's, and the list of counters there are. */
export const zeroCounters = (): MachineCounters => ({
  requests: 0,
  completed: 0,
  kicks: 0,
  kicks_suppressed: 0,
  interrupts: 0,
  interrupts_suppressed: 0,
  ring_full: 0,
  kicks_lost: 0,
  interrupts_lost: 0,
});

/** Set on the guest operation the missing-barrier fault reordered (see dropVirtioWmb). */
export interface MissingBarrierWindow {
  request: number;
  queue: number;
  head: number;
  /** The free-running index and slot of the ring entry avail.idx published before it was stored. */
  availIdx: number;
  slot: number;
  /** Item positions (counted from the operation's first) before which other actors may move. */
  from: number;
  to: number;
  /** Queues whose doorbell this operation's kick rings: set when the kick's step is played, not before. */
  bells: number[];
}

/** An operation being played out one item at a time, and who runs it. */
export interface PlayingOperation {
  actor: ActorId;
  call: number;
  items: CapturedItem[];
  total: number;
  missingBarrier?: MissingBarrierWindow;
  /** The acting side's private state as of the items played so far (see privateState.ts). */
  priv?: PrivateShown;
  /** The operation's function calls, which its items name (CapturedItem.c): each step's frames. */
  calls?: CallTree;
  /** The calls shown by its steps so far, and those it goes on from an earlier part (StepRecord.begins). */
  seen?: number[];
}

/** Everything that changes as the machine runs, apart from memory, disk and the driver's and device's own state. */
export interface MachineState {
  stepCount: number;
  calls: number;
  /**
   * A handler part way through (virtblk_done, virtio_blk_handle_vq) goes on in the actor's next operation as the
   * same calls: the call number of each function its last part was in, by name.
   */
  resume?: Partial<Record<string, Record<string, number>>>;
  /** Of the calls in `resume`, those an earlier part's steps showed already, by actor. */
  resumeSeen?: Partial<Record<string, number[]>>;
  /** The operation being played out now. Nobody else moves until it ends or is suspended. */
  pending: PlayingOperation | null;
  /**
   * Operations interrupted part-way, with the request stages shown so far: only the missing-barrier fault makes
   * one, leaving its stores after avail.idx unplayed while other actors move. Each resumes when its actor is
   * chosen again; until then that actor starts nothing new.
   */
  suspended: { op: PlayingOperation; shown: ShownStages | null }[];
  vcpus: { next: number; readyAt: number }[];
  doorbell: boolean[];
  irq: boolean[];
  policy: PolicyState;
  counters: MachineCounters;
  ended: RunEnd | null;
  /** The last requests to finish, newest last, for the requests table (finished ones leave the driver's map). */
  recentDone: RequestView[];
  /** The actor a conductor chose for the next operation (see chooseNext). */
  chosen: ActorId | null;
  /** Which device record (QEMU's request) each guest request became when popped, by guest request id. */
  popped: Record<number, number>;
  lastRecordId: number;
  /**
   * While an operation is played out: each live request's stage as of the steps played so far (the live private
   * state is already at the operation's end). Null between operations, where the private state is right.
   */
  shown: ShownStages | null;
  /**
   * Requests with ids from here on were made by the operation in flight: not in `shown`, they are queued. Other
   * requests missing from `shown` are on queues the operation cannot move and show their live stage.
   */
  shownFrom?: number;
}

/** A machine's whole state apart from memory and disk, as plain data. */
export interface SavedMachine {
  machine: MachineState;
  driver: ReturnType<VirtioBlk['saveState']>;
  device: ReturnType<VirtIOBlock['saveState']>;
  alloc: ReturnType<AllocationMap['toJSON']>;
  faults: boolean[];
  data: unknown;
  dataBytes?: Uint8Array;
}

/** A fresh machine's state: `vcpus` submitters, one per queue, none of them started. */
export function initialMachineState(queues: number, vcpus: number, seed: number): MachineState {
  return {
    stepCount: 0,
    calls: 0,
    pending: null,
    suspended: [],
    vcpus: Array.from({ length: vcpus }, () => ({ next: 0, readyAt: 0 })),
    doorbell: Array.from({ length: queues }, () => false),
    irq: Array.from({ length: queues }, () => false),
    policy: { last: null, lastGuest: null, lastDevice: null, prng: (seed ^ 0x5eed) >>> 0 },
    counters: zeroCounters(),
    ended: null,
    recentDone: [],
    chosen: null,
    popped: {},
    lastRecordId: -1,
    shown: null,
  };
}
