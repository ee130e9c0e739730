import type { Scenario } from '../scenario/schema';
import type { ActorId, StepRecord } from '../step';
import type { SavedMachine } from '../machine/machine';

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
  | { type: 'step' }
  | { type: 'free-run' }
  | { type: 'publish' };

export type FromWorker =
  | { type: 'ready'; name: string }
  | { type: 'stepped'; record: StepRecord | null }
  | { type: 'paused'; part: SavedMachine; name: string }
  | { type: 'published'; part: SavedMachine; name: string }
  | { type: 'error'; message: string; name: string };

/** The minimal message port both a Web Worker and a Node worker_thread offer. */
export interface Port {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}
