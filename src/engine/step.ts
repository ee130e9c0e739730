import type { VirtioError } from '../virtio/errors';
import type { BarrierKind } from '../virtio/trace';
import type { StepMessage } from './messages';
import type { FaultKind } from './scenario/schema';

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
  | { type: 'segment-read'; addr: number; len: number; request?: number }
  | { type: 'interrupt'; queue: number }
  | { type: 'interrupt-suppressed'; queue: number }
  | { type: 'submitted'; request: number; head: number; queue: number }
  | { type: 'ring-full'; queue: number }
  | { type: 'popped'; request: number; head: number; queue: number }
  | { type: 'io-submitted'; request: number; queue: number }
  | { type: 'io-done'; request: number; status: number }
  | { type: 'completed'; request: number; status: number; queue: number }
  | { type: 'barrier'; kind: BarrierKind }
  | { type: 'error'; error: VirtioError }
  /** An injected fault acting where no store shows it (a chain kept off the free list, a queue it left stuck). */
  | { type: 'fault'; fault: FaultKind; queue: number; request?: number };

/** One function call on the stack of a step. */
export interface StepFrame {
  fn: string;
  call: number;
}

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
  /** One sentence for a learner, in English: `message` (and `fault`) rendered by renderStep(). */
  explain: string;
  /** The sentence as data (a key of STEP_TEMPLATES and its parameters), so the UI can show it in any language. */
  message: StepMessage;
  /** How an injected fault changed this step, when one did; `explain` ends with it. */
  fault?: StepMessage;
  /** What the step changed in guest memory. */
  writes: StepWrite[];
  events: StepEvent[];
  /**
   * Sequence number of the innermost function call this step is part of; steps of one call share it (each call,
   * even of the same function, has its own).
   */
  call: number;
  /** The operation (one move of one actor, see Machine) this step is part of; its steps share it. */
  operation: number;
  /** The functions running, outermost first, each with its call number: a step is part of all of them. */
  frames: readonly StepFrame[];
  /**
   * How many of `frames`, counted from the innermost, begin at this step (their first step). A call that showed
   * at an earlier step is not counted again when it goes on after other actors moved (a handler's next part, the
   * missing barrier's late stores): a function breakpoint stops once per call. Absent in records made before it.
   */
  begins?: number;
  /** True on the last step of a call. */
  callEnd: boolean;
  queue?: number;
  request?: number;
}

export type Granularity = 'write' | 'function' | 'request';

// Lookup tables: every store of a step is recorded as hex, and replays for time travel make millions of them.
const HEX_OF_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
  NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

// Longer runs (a request's data) are spelled as ASCII bytes and decoded natively: a string per byte joined
// afterwards cost five times as long and made the garbage that paused long replays.
const HEX_DIGIT = new Uint8Array(Array.from('0123456789abcdef', (c) => c.charCodeAt(0)));
const ascii = new TextDecoder('latin1');

export const toHex = (bytes: Uint8Array): string => {
  if (bytes.length <= 64) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += HEX_OF_BYTE[bytes[i]!];
    return s;
  }
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[2 * i] = HEX_DIGIT[b >> 4]!;
    out[2 * i + 1] = HEX_DIGIT[b & 15]!;
  }
  return ascii.decode(out);
};

export const fromHex = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = (NIBBLE[hex.charCodeAt(2 * i)]! << 4) | NIBBLE[hex.charCodeAt(2 * i + 1)]!;
  }
  return out;
};
