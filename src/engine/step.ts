import type { VirtioError } from '../virtio/errors';
import type { BarrierKind } from '../virtio/trace';

/** Who moved: a guest vCPU submitting on a queue, the guest's interrupt handler, or a device IOThread. */
export type ActorId = `vcpu${number}` | 'irq' | `iothread${number}`;

/** Where the real function lives, so the UI can link to it. */
export type SourceTree = 'linux' | 'qemu';

/** One store a step made, as hex so a record is plain JSON and byte-identical across machines. */
export interface StepWrite {
  addr: number;
  old: string;
  new: string;
}

export type StepEvent =
  | { type: 'kick'; queue: number }
  | { type: 'kick-suppressed'; queue: number }
  | { type: 'kick-lost'; queue: number }
  | { type: 'interrupt-lost'; queue: number }
  | { type: 'noop' }
  | { type: 'interrupt'; queue: number }
  | { type: 'interrupt-suppressed'; queue: number }
  | { type: 'submitted'; request: number; head: number; queue: number }
  | { type: 'ring-full'; queue: number }
  | { type: 'popped'; request: number; head: number; queue: number }
  | { type: 'io-submitted'; request: number; queue: number }
  | { type: 'io-done'; request: number; status: number }
  | { type: 'completed'; request: number; status: number; queue: number }
  | { type: 'barrier'; kind: BarrierKind }
  | { type: 'error'; error: VirtioError };

/**
 * One observable action. `kind` is the step's smallest unit: a memory `write`, a `barrier`, or an `action`
 * (a decision or event that writes nothing, such as a suppressed kick). A real function is usually several steps;
 * `call` numbers them so the UI can step a function at a time.
 */
export interface StepRecord {
  index: number;
  actor: ActorId;
  /** The real function (Linux or QEMU) this step belongs to, e.g. "virtqueue_add_split". */
  fn: string;
  source: SourceTree;
  kind: 'write' | 'barrier' | 'action';
  /** One sentence for a learner. */
  explain: string;
  /** What the step changed in guest memory. */
  writes: StepWrite[];
  events: StepEvent[];
  /** Sequence number of the function call this step is part of; steps of one call share it. */
  call: number;
  /** True on the last step of a call. */
  callEnd: boolean;
  queue?: number;
  request?: number;
}

export type Granularity = 'write' | 'function' | 'request';

export const toHex = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
};

export const fromHex = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
};
