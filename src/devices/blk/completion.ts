import { Prng } from './prng';

/** Which of the requests that are ready at a tick completes first. */
export type CompletionOrder = 'fifo' | 'reverse' | 'random';

/** Ticks from submission to readiness: a fixed number, or uniform in [min, max] from the seeded generator. */
export type Latency = { kind: 'fixed'; ticks: number } | { kind: 'range'; min: number; max: number };

export interface IoSchedulerOptions {
  latency?: Latency;
  order?: CompletionOrder;
  seed?: number;
}

export interface ScheduledIo<T> {
  /** Submission sequence number, unique for the scheduler's life. */
  seq: number;
  submitTick: number;
  dueTick: number;
  item: T;
}

export interface Completed<T> extends ScheduledIo<T> {
  completeTick: number;
}

/** Everything that decides future behaviour, as plain numbers (the items themselves are the caller's). */
export interface IoSchedulerState {
  now: number;
  nextSeq: number;
  prng: number;
}

function checkLatency(l: Latency): Latency {
  const bad = (n: number) => !Number.isSafeInteger(n) || n < 0;
  if (l.kind === 'fixed' ? bad(l.ticks) : bad(l.min) || bad(l.max) || l.max < l.min) {
    throw new RangeError(`invalid latency ${JSON.stringify(l)}: ticks must be integers >= 0 with min <= max`);
  }
  return l;
}

/**
 * The host side of the disk in virtual time, standing in for QEMU's AIO: a request submitted at tick t is ready at
 * t + latency, and the requests ready at the same tick complete in the configured order. Same seed and same calls
 * give the same completions, so runs replay exactly.
 */
export class IoScheduler<T> {
  private pendingIo: ScheduledIo<T>[] = [];
  private nowTick = 0;
  private nextSeq = 0;
  private prng: Prng;
  latency: Latency;
  order: CompletionOrder;

  constructor(opts: IoSchedulerOptions = {}) {
    this.latency = checkLatency(opts.latency ?? { kind: 'fixed', ticks: 1 });
    this.order = opts.order ?? 'fifo';
    this.prng = new Prng(opts.seed ?? 1);
  }

  get now(): number {
    return this.nowTick;
  }

  /** In flight, in submission order. */
  get pending(): readonly ScheduledIo<T>[] {
    return this.pendingIo;
  }

  get size(): number {
    return this.pendingIo.length;
  }

  setLatency(latency: Latency): void {
    this.latency = checkLatency(latency);
  }

  submit(item: T): ScheduledIo<T> {
    const l = this.latency;
    const ticks = l.kind === 'fixed' ? l.ticks : this.prng.nextInt(l.min, l.max);
    const io: ScheduledIo<T> = { seq: this.nextSeq++, submitTick: this.nowTick, dueTick: this.nowTick + ticks, item };
    this.pendingIo.push(io);
    return io;
  }

  /**
   * Completes what is due at the current tick, without moving time, in the configured order. With a filter,
   * only the due requests it accepts (e.g. those of the queues one IOThread serves); the rest stay due.
   */
  completeReady(filter?: (item: T) => boolean): Completed<T>[] {
    const isReady = (io: ScheduledIo<T>) => io.dueTick <= this.nowTick && (!filter || filter(io.item));
    const ready = this.pendingIo.filter(isReady);
    if (ready.length === 0) return [];
    this.pendingIo = this.pendingIo.filter((io) => !isReady(io));
    if (this.order === 'reverse') ready.reverse();
    else if (this.order === 'random') this.prng.shuffle(ready);
    return ready.map((io) => ({ ...io, completeTick: this.nowTick }));
  }

  /** How many requests are due now (and accepted by the filter). */
  dueCount(filter?: (item: T) => boolean): number {
    let n = 0;
    for (const io of this.pendingIo) if (io.dueTick <= this.nowTick && (!filter || filter(io.item))) n++;
    return n;
  }

  /** Moves the clock without completing anything: due requests wait for completeReady. */
  passTime(ticks: number): void {
    if (!Number.isSafeInteger(ticks) || ticks < 0) throw new RangeError(`cannot pass ${ticks} ticks`);
    this.nowTick += ticks;
  }

  /** Moves time forward one tick at a time, completing what falls due at each. */
  advance(ticks = 1): Completed<T>[] {
    if (!Number.isSafeInteger(ticks) || ticks < 0) throw new RangeError(`cannot advance by ${ticks} ticks`);
    const done: Completed<T>[] = [];
    for (let i = 0; i < ticks; i++) {
      this.nowTick++;
      done.push(...this.completeReady());
    }
    return done;
  }

  tick(): Completed<T>[] {
    return this.advance(1);
  }

  /** The tick at which the next pending request is due, or null with nothing in flight. */
  nextDue(): number | null {
    let best: number | null = null;
    for (const io of this.pendingIo) if (best === null || io.dueTick < best) best = io.dueTick;
    return best;
  }

  /** Removes a pending request without completing it (a device reset drops its in-flight I/O). */
  cancel(predicate: (item: T) => boolean): ScheduledIo<T>[] {
    const dropped = this.pendingIo.filter((io) => predicate(io.item));
    this.pendingIo = this.pendingIo.filter((io) => !predicate(io.item));
    return dropped;
  }

  getState(): IoSchedulerState {
    return { now: this.nowTick, nextSeq: this.nextSeq, prng: this.prng.state };
  }

  /** Restores time and the generator; the caller restores the pending items with `restorePending`. */
  setState(s: IoSchedulerState): void {
    this.nowTick = s.now;
    this.nextSeq = s.nextSeq;
    this.prng = Prng.fromState(s.prng);
  }

  restorePending(items: ScheduledIo<T>[]): void {
    this.pendingIo = [...items].sort((a, b) => a.seq - b.seq);
  }
}
