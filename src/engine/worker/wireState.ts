import type { SavedMachine } from '../machine/machine';
import type { StepRecord } from '../step';

type SavedDriver = SavedMachine['driver'];
type SavedVq = SavedDriver['vqs'][number];
type SavedDescState = SavedVq['desc_state'];

/**
 * Linux's per-head `desc_state` as three columns instead of one small object per descriptor: a queue of 1024
 * costs a structured clone 1024 objects to walk and rebuild, the columns three memcpys.
 */
export interface PackedDescState {
  /** The request id held by each head (0 where `hasData` is 0). */
  data: Float64Array;
  /** The head's indirect table address (0 where `hasIndir` is 0). */
  indir: Float64Array;
  /** Bit 0: data is not null; bit 1: indir_desc is not null. */
  present: Uint8Array;
}

export type WireVq = Omit<SavedVq, 'desc_state'> & { desc_state: PackedDescState };

/** A SavedMachine as it crosses between the page and a simulation worker (see toWire/fromWire). */
export type WireState = Omit<SavedMachine, 'driver'> & { driver: Omit<SavedDriver, 'vqs'> & { vqs: WireVq[] } };

const HAS_DATA = 1;
const HAS_INDIR = 2;

export function packDescState(list: SavedDescState): PackedDescState {
  const n = list.length;
  const data = new Float64Array(n);
  const indir = new Float64Array(n);
  const present = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const d = list[i]!;
    let bits = 0;
    if (d.data !== null) {
      data[i] = d.data;
      bits |= HAS_DATA;
    }
    if (d.indir_desc !== null) {
      indir[i] = d.indir_desc;
      bits |= HAS_INDIR;
    }
    present[i] = bits;
  }
  return { data, indir, present };
}

export function unpackDescState(p: PackedDescState): SavedDescState {
  const n = p.present.length;
  const out: SavedDescState = new Array(n);
  for (let i = 0; i < n; i++) {
    const bits = p.present[i]!;
    out[i] = {
      data: bits & HAS_DATA ? p.data[i]! : null,
      indir_desc: bits & HAS_INDIR ? (p.indir[i]! as SavedDescState[number]['indir_desc']) : null,
    };
  }
  return out;
}

/**
 * The state to post: the same object graph, with each queue's desc_state packed into typed arrays. Shallow:
 * everything else is `s`'s own objects (postMessage clones them as it sends), and `s` is not modified.
 */
export function toWire(s: SavedMachine): WireState {
  return {
    ...s,
    driver: { ...s.driver, vqs: s.driver.vqs.map((v) => ({ ...v, desc_state: packDescState(v.desc_state) })) },
  };
}

/** The inverse of toWire, on a received (already cloned) state: takes over its objects. */
export function fromWire(w: WireState): SavedMachine {
  return {
    ...w,
    driver: { ...w.driver, vqs: w.driver.vqs.map((v) => ({ ...v, desc_state: unpackDescState(v.desc_state) })) },
  };
}

/** What a step that only played a stored item out changes besides memory (see playbackOnly). */
export type PlaybackPart = Pick<SavedMachine, 'machine' | 'alloc'>;

/**
 * True when a step moved only the machine's own state (and memory): it played out the next stored item of an
 * operation already run (`wasPlaying`: Machine.peek() was not null before it), and that item was not a
 * completion (which retires the request from the driver's list). The driver's and the device's state move only
 * when their functions run, which happens in the step that starts an operation. Tested over every built-in
 * scenario in wireState.test.ts.
 */
export function playbackOnly(wasPlaying: boolean, record: StepRecord | null): boolean {
  return wasPlaying && record !== null && !record.events.some((e) => e.type === 'completed');
}

/** What an IOThread's operation changes besides memory and the disk (see deviceOnly). */
export type DevicePart = Pick<SavedMachine, 'machine' | 'device' | 'faults'>;

/**
 * True when a step ran an IOThread's operation (`wasPlaying` false: it started one), which runs only device code:
 * the driver's state, the allocation map and the data model stay as they were. Tested over every built-in
 * scenario in wireState.test.ts.
 */
export function deviceOnly(wasPlaying: boolean, record: StepRecord | null): boolean {
  return (
    !wasPlaying &&
    record !== null &&
    record.actor.startsWith('iothread') &&
    // A completion played out retires the request from the driver's list; none is played by an IOThread, but a
    // step that shows one keeps the whole state rather than rely on that.
    !record.events.some((e) => e.type === 'completed')
  );
}
