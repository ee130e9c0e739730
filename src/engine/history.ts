import type { MachineSnapshot, Replayable } from './snapshot';
import { applyPages, diffBytes, diffPages, type PageDiff } from './pageDiff';

interface Checkpoint {
  step: number;
  state: string;
  /** Full images on a keyframe, page diffs against the previous checkpoint otherwise. */
  memory: Uint8Array | PageDiff;
  disk: Uint8Array | PageDiff;
}

export interface HistoryOptions {
  /** Steps between checkpoints: a jump replays at most this many steps. */
  interval?: number;
  /** Every n-th checkpoint stores full images; the rest store pages changed since the one before. */
  keyframeEvery?: number;
}

/**
 * Time travel for a deterministic machine: checkpoints every `interval` steps, each holding only the memory
 * pages that changed since the previous one (with a full keyframe now and then), and replay from the nearest
 * checkpoint. A jump costs one restore plus at most `interval` steps; memory grows with the pages a run
 * dirties, not with its length times memory size.
 */
export class History {
  readonly interval: number;
  readonly keyframeEvery: number;
  private checkpoints: Checkpoint[] = [];
  /** The images as of the latest checkpoint, to diff the next one against. */
  private lastMemory: Uint8Array | null = null;
  private lastDisk: Uint8Array | null = null;
  /** The furthest step ever reached: jumps may go anywhere up to it, and past it by running on. */
  private frontier = 0;

  constructor(
    private readonly machine: Replayable,
    options: HistoryOptions = {},
  ) {
    this.interval = options.interval ?? 2048;
    this.keyframeEvery = options.keyframeEvery ?? 32;
    if (!Number.isInteger(this.interval) || this.interval < 1)
      throw new RangeError('interval must be a positive integer');
    this.record(machine.snapshot());
  }

  get furthestStep(): number {
    return this.frontier;
  }

  get checkpointCount(): number {
    return this.checkpoints.length;
  }

  /** Bytes the checkpoints hold. */
  get bytes(): number {
    let total = 0;
    for (const c of this.checkpoints) {
      total += c.state.length * 2;
      total += c.memory instanceof Uint8Array ? c.memory.byteLength : diffBytes(c.memory);
      total += c.disk instanceof Uint8Array ? c.disk.byteLength : diffBytes(c.disk);
    }
    return total;
  }

  /** Call after each step the machine takes going forward, so checkpoints are laid down as the run grows. */
  afterStep(): void {
    const step = this.machine.stepCount;
    if (step > this.frontier) this.frontier = step;
    const last = this.checkpoints[this.checkpoints.length - 1]!;
    if (step === last.step + this.interval) this.record(this.machine.snapshot());
  }

  /** Steps forward once; false when the run has ended. */
  forward(): boolean {
    const moved = this.machine.stepOnce();
    if (moved) this.afterStep();
    return moved;
  }

  /**
   * Puts the machine at step `target` (restoring and replaying, or running on past the furthest step).
   * Returns the step reached, which is lower than `target` when the run ends first.
   */
  jump(target: number): number {
    if (!Number.isInteger(target) || target < 0) throw new RangeError(`cannot jump to step ${target}`);
    const current = this.machine.stepCount;
    if (target < current || target - current > this.interval) {
      const index = Math.min(Math.floor(target / this.interval), this.checkpoints.length - 1);
      this.machine.restore(this.materialize(index));
    }
    while (this.machine.stepCount < target) {
      if (!this.forward()) break;
    }
    return this.machine.stepCount;
  }

  /** Drops checkpoints after `step`: the run is about to diverge from it (a new scenario setting, say). */
  truncate(step: number): void {
    const keep = Math.floor(step / this.interval) + 1;
    this.checkpoints.length = Math.min(this.checkpoints.length, keep);
    const last = this.materialize(this.checkpoints.length - 1);
    this.lastMemory = last.memory;
    this.lastDisk = last.disk;
    this.frontier = Math.min(this.frontier, step);
  }

  private record(snap: MachineSnapshot): void {
    const keyframe = this.checkpoints.length % this.keyframeEvery === 0 || !this.lastMemory || !this.lastDisk;
    const memory = keyframe ? snap.memory.slice() : diffPages(this.lastMemory!, snap.memory);
    const disk = keyframe ? snap.disk.slice() : diffPages(this.lastDisk!, snap.disk);
    this.checkpoints.push({ step: snap.step, state: snap.state, memory, disk });
    this.lastMemory = snap.memory.slice();
    this.lastDisk = snap.disk.slice();
  }

  private materialize(index: number): MachineSnapshot {
    let key = index - (index % this.keyframeEvery);
    while (!(this.checkpoints[key]!.memory instanceof Uint8Array)) key -= this.keyframeEvery;
    const base = this.checkpoints[key]!;
    const memory = (base.memory as Uint8Array).slice();
    const disk = (base.disk as Uint8Array).slice();
    for (let i = key + 1; i <= index; i++) {
      const c = this.checkpoints[i]!;
      if (c.memory instanceof Uint8Array) memory.set(c.memory);
      else applyPages(memory, c.memory);
      if (c.disk instanceof Uint8Array) disk.set(c.disk);
      else applyPages(disk, c.disk);
    }
    const target = this.checkpoints[index]!;
    return { step: target.step, state: target.state, memory, disk };
  }
}
