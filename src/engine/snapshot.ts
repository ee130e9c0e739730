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

/** What History needs of a machine. */
export interface Replayable {
  readonly stepCount: number;
  /** Takes one step; false when the run has ended. */
  stepOnce(): boolean;
  snapshot(): MachineSnapshot;
  restore(snapshot: MachineSnapshot): void;
}
