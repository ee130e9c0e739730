import type { ActorId, StepRecord } from './step';

/** Bits of a step's flags word in the compact log: what the timeline draws. */
export const STEP_FLAG = {
  write: 1,
  barrier: 2,
  kick: 4,
  kickSuppressed: 8,
  interrupt: 16,
  interruptSuppressed: 32,
  completion: 64,
  error: 128,
  lost: 256,
  ringFull: 512,
} as const;

export function flagsOf(r: StepRecord): number {
  let f = r.kind === 'write' ? STEP_FLAG.write : r.kind === 'barrier' ? STEP_FLAG.barrier : 0;
  for (const e of r.events) {
    if (e.type === 'kick') f |= STEP_FLAG.kick;
    else if (e.type === 'kick-suppressed') f |= STEP_FLAG.kickSuppressed;
    else if (e.type === 'interrupt') f |= STEP_FLAG.interrupt;
    else if (e.type === 'interrupt-suppressed') f |= STEP_FLAG.interruptSuppressed;
    else if (e.type === 'completed') f |= STEP_FLAG.completion;
    else if (e.type === 'error') f |= STEP_FLAG.error;
    else if (e.type === 'kick-lost' || e.type === 'interrupt-lost') f |= STEP_FLAG.lost;
    else if (e.type === 'ring-full') f |= STEP_FLAG.ringFull;
  }
  return f;
}

/**
 * A few bytes per step for the whole run (who moved, in which call of which function, what happened), so the
 * timeline can be drawn and stepping back a function or a request at a time knows where to land, without
 * keeping full step records. 9 bytes per step (call 4, function 2, actor 1, flags 2).
 */
export class StepLog {
  private calls = new Uint32Array(1024);
  private fns = new Uint16Array(1024);
  private actors = new Uint8Array(1024);
  private flags = new Uint16Array(1024);
  private count = 0;
  private readonly fnIds = new Map<string, number>();
  readonly fnNames: string[] = [];
  private readonly actorIds = new Map<ActorId, number>();
  readonly actorNames: ActorId[] = [];

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.calls.byteLength + this.fns.byteLength + this.actors.byteLength + this.flags.byteLength;
  }

  /** Records step r.index; steps already logged (a replay) are left as they are. */
  record(r: StepRecord): void {
    if (r.index < this.count) return;
    if (r.index !== this.count) throw new Error(`step log: step ${r.index} arrived after ${this.count - 1}`);
    if (this.count === this.calls.length) this.grow();
    this.calls[this.count] = r.call;
    this.fns[this.count] = this.intern(this.fnIds, this.fnNames, r.fn);
    this.actors[this.count] = this.intern(this.actorIds, this.actorNames, r.actor);
    this.flags[this.count] = flagsOf(r);
    this.count++;
  }

  call(i: number): number {
    return this.calls[i]!;
  }
  fn(i: number): string {
    return this.fnNames[this.fns[i]!]!;
  }
  actor(i: number): ActorId {
    return this.actorNames[this.actors[i]!]!;
  }
  flag(i: number): number {
    return this.flags[i]!;
  }

  /** First step of the run of steps that share step i's call and function. */
  functionStart(i: number): number {
    let j = i;
    while (j > 0 && this.calls[j - 1] === this.calls[i] && this.fns[j - 1] === this.fns[i]) j--;
    return j;
  }

  /** The last step before `before` whose flags have any of `mask`, or -1. */
  lastWith(mask: number, before: number): number {
    for (let j = Math.min(before, this.count) - 1; j >= 0; j--) if (this.flags[j]! & mask) return j;
    return -1;
  }

  /** Steps [from, to) whose flags have any of `mask`, at most `max` of them (for the timeline). */
  find(mask: number, from = 0, to = this.count, max = Infinity): number[] {
    const out: number[] = [];
    for (let j = from; j < Math.min(to, this.count) && out.length < max; j++) if (this.flags[j]! & mask) out.push(j);
    return out;
  }

  private intern<K>(ids: Map<K, number>, names: K[], key: K): number {
    let id = ids.get(key);
    if (id === undefined) {
      id = names.length;
      ids.set(key, id);
      names.push(key);
    }
    return id;
  }

  private grow(): void {
    const n = this.calls.length * 2;
    const grow = <T extends Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.calls = grow(this.calls, (k) => new Uint32Array(k));
    this.fns = grow(this.fns, (k) => new Uint16Array(k));
    this.actors = grow(this.actors, (k) => new Uint8Array(k));
    this.flags = grow(this.flags, (k) => new Uint16Array(k));
  }
}
