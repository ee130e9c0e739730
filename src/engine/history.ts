import type { MachineImages, MachineSnapshot, Replayable } from './snapshot';
import { diffBytes, diffPages, mergeDiffs, writeNewest, type PageDiff } from './pageDiff';

interface Checkpoint {
  step: number;
  /** The machine's JSON state as UTF-8: half the memory of a JS string, and decoded in a millisecond. */
  state: Uint8Array;
  /** Full images on a keyframe, page diffs against the previous checkpoint otherwise. */
  memory: Uint8Array | PageDiff;
  disk: Uint8Array | PageDiff;
  aux: Uint8Array | PageDiff;
}

export interface HistoryOptions {
  /** Steps between checkpoints: a jump replays at most this many steps. */
  interval?: number;
  /** Every n-th checkpoint stores full images; the rest store pages changed since the one before. */
  keyframeEvery?: number;
  /**
   * The most checkpoints kept. When a run outgrows it, every other checkpoint is merged away and the interval
   * doubles: memory stays bounded by this many checkpoints, and a jump replays at most `interval` steps.
   */
  maxCheckpoints?: number;
  /**
   * The most bytes the checkpoints may hold: past it, every other checkpoint is merged away as for maxCheckpoints.
   * A long session slows its jumps down rather than running the tab out of memory.
   */
  maxBytes?: number;
}

/**
 * The default byte limit: a million steps of random-soak (four queues of 128) hold about 1 GB; a bigger ring or a
 * longer run thins its checkpoints instead of growing past this.
 */
const MAX_BYTES = 1.5 * 1024 * 1024 * 1024;

/**
 * Time travel for a deterministic machine: checkpoints every `interval` steps, each holding only the memory
 * pages that changed since the previous one (with a full keyframe now and then), and replay from the nearest
 * checkpoint. A jump costs one restore plus at most `interval` steps; memory grows with the pages a run
 * dirties, not with its length times memory size.
 */
export class History {
  private interval_: number;
  readonly keyframeEvery: number;
  readonly maxCheckpoints: number;
  readonly maxBytes: number;
  private checkpoints: Checkpoint[] = [];
  /** What the checkpoints hold, kept as they come and go. */
  private bytes_ = 0;
  /** The images as of the latest checkpoint, to diff the next one against. */
  private lastMemory: Uint8Array | null = null;
  private lastDisk: Uint8Array | null = null;
  private lastAux: Uint8Array | null = null;
  /** The furthest step ever reached: jumps may go anywhere up to it, and past it by running on. */
  private frontier = 0;

  constructor(
    private readonly machine: Replayable,
    options: HistoryOptions = {},
  ) {
    this.interval_ = options.interval ?? 1024;
    this.keyframeEvery = options.keyframeEvery ?? 64;
    this.maxCheckpoints = options.maxCheckpoints ?? 1024;
    this.maxBytes = options.maxBytes ?? MAX_BYTES;
    if (!Number.isInteger(this.interval_) || this.interval_ < 1) {
      throw new RangeError('interval must be a positive integer');
    }
    if (!Number.isInteger(this.maxCheckpoints) || this.maxCheckpoints < 2) {
      throw new RangeError('maxCheckpoints must be an integer of at least 2');
    }
    if (!(this.maxBytes >= 0)) throw new RangeError('maxBytes must be a number of bytes, at least 0');
    this.record(machine.snapshot());
  }

  /** Steps between checkpoints now (doubles each time the run outgrows maxCheckpoints). */
  get interval(): number {
    return this.interval_;
  }

  get furthestStep(): number {
    return this.frontier;
  }

  get checkpointCount(): number {
    return this.checkpoints.length;
  }

  /** Bytes the checkpoints hold. */
  get bytes(): number {
    return this.bytes_;
  }

  /** Call after each step the machine takes going forward, so checkpoints are laid down as the run grows. */
  afterStep(): void {
    const step = this.machine.stepCount;
    if (step > this.frontier) this.frontier = step;
    const last = this.checkpoints[this.checkpoints.length - 1]!;
    if (step === last.step + this.interval_) {
      this.record(this.machine.snapshot());
      // Thinning keeps every other checkpoint, so it cannot bring a run down to fewer than two.
      while (
        this.checkpoints.length > 2 &&
        (this.checkpoints.length > this.maxCheckpoints || this.bytes_ > this.maxBytes)
      )
        this.thin();
    }
  }

  /** Keeps every other checkpoint, folding each dropped one's page diff into its successor; doubles the interval. */
  private thin(): void {
    const kept: Checkpoint[] = [];
    for (let i = 0; i < this.checkpoints.length; i++) {
      const c = this.checkpoints[i]!;
      if (i % 2 === 0) {
        kept.push(c);
        continue;
      }
      // c is dropped: the next checkpoint's diff was relative to c, so it must carry c's pages too.
      const next = this.checkpoints[i + 1];
      if (!next) continue;
      if (isFull(c)) {
        const full = this.materialize(i + 1);
        this.checkpoints[i + 1] = { ...next, memory: full.memory, disk: full.disk, aux: full.aux };
      } else if (!isFull(next)) {
        this.checkpoints[i + 1] = {
          ...next,
          memory: mergeDiffs(c.memory as PageDiff, next.memory as PageDiff),
          disk: mergeDiffs(c.disk as PageDiff, next.disk as PageDiff),
          aux: mergeDiffs(c.aux as PageDiff, next.aux as PageDiff),
        };
      }
    }
    // An odd count leaves the last checkpoint off the new grid: drop it; lastMemory must match the new last one.
    this.checkpoints = kept;
    this.bytes_ = kept.reduce((n, c) => n + checkpointBytes(c), 0);
    this.interval_ *= 2;
    const last = this.materialize(this.checkpoints.length - 1);
    this.lastMemory = last.memory;
    this.lastDisk = last.disk;
    this.lastAux = last.aux;
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
    if (target < current || target - current > this.interval_) {
      this.restore(Math.min(Math.floor(target / this.interval_), this.checkpoints.length - 1));
    }
    while (this.machine.stepCount < target) {
      if (!this.forward()) break;
    }
    return this.machine.stepCount;
  }

  /** Drops checkpoints after `step`: the run is about to diverge from it (a new scenario setting, say). */
  truncate(step: number): void {
    const keep = Math.floor(step / this.interval_) + 1;
    this.checkpoints.length = Math.min(this.checkpoints.length, keep);
    this.bytes_ = this.checkpoints.reduce((n, c) => n + checkpointBytes(c), 0);
    const last = this.materialize(this.checkpoints.length - 1);
    this.lastMemory = last.memory;
    this.lastDisk = last.disk;
    this.lastAux = last.aux;
    this.frontier = Math.min(this.frontier, step);
  }

  private record(snap: MachineSnapshot): void {
    const keyframe =
      this.checkpoints.length % this.keyframeEvery === 0 || !this.lastMemory || !this.lastDisk || !this.lastAux;
    // A snapshot's images are fresh copies: keep them as they are instead of copying again.
    const memory = keyframe ? snap.memory : diffPages(this.lastMemory!, snap.memory);
    const disk = keyframe ? snap.disk : diffPages(this.lastDisk!, snap.disk);
    const aux = keyframe ? snap.aux : diffPages(this.lastAux!, snap.aux);
    const checkpoint: Checkpoint = { step: snap.step, state: utf8.encode(snap.state), memory, disk, aux };
    this.checkpoints.push(checkpoint);
    this.bytes_ += checkpointBytes(checkpoint);
    // Images kept in a keyframe are never written, so they can serve as the next diff's base too.
    this.lastMemory = snap.memory;
    this.lastDisk = snap.disk;
    this.lastAux = snap.aux;
  }

  /** Puts the machine at checkpoint `index`, writing its images in place. */
  private restore(index: number): void {
    const target = this.writeImages(index, this.machine.images());
    this.machine.restoreState(target.step, utf8Decoder.decode(target.state));
  }

  /** Checkpoint `index` as a snapshot of its own (fresh images). */
  private materialize(index: number): MachineSnapshot {
    const key = this.checkpoints[this.keyframeAtOrBefore(index)]!;
    const images: MachineImages = {
      memory: new Uint8Array((key.memory as Uint8Array).length),
      disk: new Uint8Array((key.disk as Uint8Array).length),
      aux: new Uint8Array((key.aux as Uint8Array).length),
    };
    const target = this.writeImages(index, images);
    return { step: target.step, state: utf8Decoder.decode(target.state), ...images };
  }

  /** Writes checkpoint `index`'s images into `into`, each page once; returns the checkpoint. */
  private writeImages(index: number, into: MachineImages): Checkpoint {
    const key = this.keyframeAtOrBefore(index);
    const base = this.checkpoints[key]!;
    // Every checkpoint after the nearest keyframe holds page diffs (thin() turns a successor of a dropped
    // keyframe into a keyframe).
    const diffs = this.checkpoints.slice(key + 1, index + 1);
    writeNewest(
      into.memory,
      base.memory as Uint8Array,
      diffs.map((c) => c.memory as PageDiff),
    );
    writeNewest(
      into.disk,
      base.disk as Uint8Array,
      diffs.map((c) => c.disk as PageDiff),
    );
    writeNewest(
      into.aux,
      base.aux as Uint8Array,
      diffs.map((c) => c.aux as PageDiff),
    );
    return this.checkpoints[index]!;
  }

  /** The nearest checkpoint holding full images. */
  private keyframeAtOrBefore(index: number): number {
    let key = index;
    while (!isFull(this.checkpoints[key]!)) key--;
    return key;
  }
}

const isFull = (c: Checkpoint): boolean => c.memory instanceof Uint8Array;

const imageBytes = (image: Uint8Array | PageDiff): number =>
  image instanceof Uint8Array ? image.byteLength : diffBytes(image);

const checkpointBytes = (c: Checkpoint): number =>
  c.state.byteLength + imageBytes(c.memory) + imageBytes(c.disk) + imageBytes(c.aux);
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
