/** Everything a run is, as plain bytes: restoring these and stepping on gives the same run again. */
export interface MachineSnapshot {
  /** Steps taken when the snapshot was made. */
  step: number;
  /** Guest physical memory. */
  memory: Uint8Array;
  /** The disk image. */
  disk: Uint8Array;
  /** Large arrays of the machine's own (the data model's per-sector table), kept as bytes so they diff by page. */
  aux: Uint8Array;
  /** Every actor's private state, the scheduler's and the PRNGs', as JSON. */
  state: string;
}

/** A machine's own byte images, as a restore writes them in place. */
export type MachineImages = Pick<MachineSnapshot, 'memory' | 'disk' | 'aux'>;

/** What History needs of a machine. */
export interface Replayable {
  readonly stepCount: number;
  /** Takes one step; false when the run has ended. */
  stepOnce(): boolean;
  snapshot(): MachineSnapshot;
  /**
   * Views of the machine's live images (not copies): a jump writes a checkpoint's pages straight into them, so it
   * neither allocates nor copies megabytes twice (allocations that size also bring on full garbage collections).
   */
  images(): MachineImages;
  /** Takes a snapshot's step and state, once its images have been written into `images()`. */
  restoreState(step: number, state: string): void;
}
