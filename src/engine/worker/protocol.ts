import type { Scenario } from '../scenario/schema';
import type { ActorId, StepRecord } from '../step';
import type { SavedMachine } from '../machine/machine';
import type { DevicePart, PlaybackPart, WireState } from './wireState';

/** The buffers every worker of a run shares. */
export interface SharedBuffers {
  memory: SharedArrayBuffer;
  disk: SharedArrayBuffer;
  /** The machine's state as JSON: [u32 length][utf-8 bytes]. Whoever steps writes it back. */
  state: SharedArrayBuffer;
  /** Doorbells, interrupt lines and live counters (see machine/signals.ts). */
  signals: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'init'; scenario: Scenario; seed: number; buffers: SharedBuffers; actors: ActorId[]; name: string }
  /**
   * Take one step. `state` is the machine state to step from, sent as a structured clone (typed arrays travel as
   * bytes; see wireState.ts); without it the worker reads the JSON state from the shared state buffer and writes
   * it back there. `own` instead: step from the state this worker holds, which its last reply gave the conductor
   * and nothing has changed since; `actor` is whose turn the conductor found it to be (the worker checks it).
   */
  | { type: 'step'; state?: WireState; own?: { actor: ActorId } }
  /** Run free from `state` (a structured clone), or from the JSON in the shared state buffer without one. */
  | { type: 'free-run'; state?: SavedMachine }
  | { type: 'publish' };

export type FromWorker =
  | { type: 'ready'; name: string }
  /** `state`: the machine state after the step, when the step request carried one. */
  | {
      type: 'stepped';
      record: StepRecord | null;
      state?: WireState;
      /** Instead of `state`, after a step that only played a stored item out (wireState.ts, playbackOnly). */
      playback?: PlaybackPart;
      /** Instead of `state`, after an IOThread's operation (wireState.ts, deviceOnly). */
      device?: DevicePart;
    }
  | { type: 'paused'; part: SavedMachine; name: string }
  | { type: 'published'; part: SavedMachine; name: string }
  | { type: 'error'; message: string; name: string };

/** The minimal message port both a Web Worker and a Node worker_thread offer. */
export interface Port {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}
