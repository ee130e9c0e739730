import type { GuestMemory } from '../../virtio/guestMemory';
import type { BarrierKind, Tracer } from '../../virtio/trace';
import type { StepMessage } from '../messages';
import { fromHex, toHex, type StepEvent, type StepFrame } from '../step';

/**
 * One thing a real function did, in order: a store or a barrier, attributed to the innermost function running.
 * `fault` on a store says how an injected fault changed it (its step's explanation ends with it). `st`: how many
 * changes of the acting side's private state had been noted when it was recorded (see privateState.ts).
 */
export type CapturedItem = (
  | { kind: 'write'; fn: string; addr: number; old: string; new: string; fault?: StepMessage }
  | { kind: 'barrier'; fn: string; barrier: BarrierKind }
  | { kind: 'event'; fn: string; event: StepEvent; message: StepMessage }
) & {
  st?: number;
  /** The innermost call the item belongs to: a key of the operation's call tree (see OperationCapture.run). */
  c?: number;
};

/** An operation's calls: call number → [function, the call it was made from, or -1 for the outermost]. */
export type CallTree = Record<number, [string, number]>;

/** The frames, outermost first, of call `c` in `tree`. */
export function framesOf(tree: CallTree | undefined, c: number | undefined): StepFrame[] {
  const out: StepFrame[] = [];
  for (let id = c ?? -1, n = 0; id >= 0 && tree && n < 256; n++) {
    const entry = tree[id];
    if (!entry) break;
    out.push({ fn: entry[0], call: id });
    id = entry[1];
  }
  return out.reverse();
}

/**
 * Records what an operation does to guest memory, then takes the stores back out of memory so they can be
 * put back one step at a time. The operation itself runs whole, but memory shows each store only when its step
 * is taken: at any step, what is drawn is exactly what is in memory. The private state it moves is noted at each
 * item (`mark`, see privateState.ts), so each step can show it as of that point of the code.
 */
export class OperationCapture implements Tracer {
  private items: CapturedItem[] = [];
  private stack: string[] = [];
  /** The call number of each function on the stack: every call gets its own (see run's `calls`). */
  private callIds: number[] = [];
  /** Every call entered in this operation (see CallTree). */
  private tree: CallTree = {};
  private nextCall: () => number = () => 0;
  private enterCall: (fn: string) => number = () => 0;
  private active = false;
  /** An injected fault naming the stores made now: the next one only (`once`), or every one until cleared. */
  private tag: { fault: StepMessage; once: boolean } | null = null;
  private mark: (() => number) | null = null;
  /** A function was entered or left since the last item was recorded. */
  private crossed = true;
  /**
   * The call that has just returned, while nothing else happened since: an event noted for its function right
   * after it returns (virtqueue_pop's chain, virtqueue_kick_prepare's decision) is that call's, not a new one.
   */
  private returned: { fn: string; id: number; parent: number } | null = null;

  constructor(private readonly mem: GuestMemory) {}

  enter(fn: string): void {
    if (!this.active) return;
    this.boundary();
    this.returned = null;
    const id = this.enterCall(fn);
    this.tree[id] = [fn, this.innermost()];
    this.stack.push(fn);
    this.callIds.push(id);
  }
  leave(fn: string): void {
    if (!this.active) return;
    this.boundary();
    const i = this.stack.lastIndexOf(fn);
    this.returned = null;
    if (i >= 0) {
      this.returned = { fn, id: this.callIds[i]!, parent: this.callIds[i - 1] ?? -1 };
      this.stack.length = i;
      this.callIds.length = i;
    }
  }
  barrier(kind: BarrierKind): void {
    if (this.active) this.push({ kind: 'barrier', fn: this.current(), barrier: kind, c: this.innermost() });
  }

  /**
   * Records an event (a kick, an interrupt, a completion) at this point of the running operation. `fn` names the
   * function the event belongs to when it is not the innermost one running: one on the stack (the event is that
   * call's), the call of it that has just returned (its result, noted as it comes back), or a function the code
   * calls just for it (vp_notify's doorbell write), which is a call of its own.
   */
  note(event: StepEvent, message: StepMessage, fn?: string): void {
    if (!this.active) return;
    let c = this.innermost();
    if (fn !== undefined && fn !== this.current()) {
      const i = this.stack.lastIndexOf(fn);
      const back = this.returned;
      if (i >= 0) c = this.callIds[i]!;
      else if (back && back.fn === fn && back.parent === c) c = back.id;
      else {
        const id = this.nextCall();
        this.tree[id] = [fn, c];
        c = id;
      }
    }
    this.push({ kind: 'event', fn: fn ?? this.current(), event, message, c });
  }

  /**
   * Records an event that belongs to the latest call of `fn` in this operation when that call has returned already
   * (an error the function detected, reported once the operation is over): the step is in that call, not a new
   * one. As note() when `fn` is running or was not called (outside virtio_error).
   */
  noteInLastCall(event: StepEvent, message: StepMessage, fn: string): void {
    if (!this.active) return;
    let last = -1;
    if (!this.stack.includes(fn)) {
      for (const [id, [name]] of Object.entries(this.tree)) if (name === fn && Number(id) > last) last = Number(id);
    }
    const reporter = this.stack.lastIndexOf('virtio_error');
    if (last < 0 && reporter > 0 && !this.stack.includes(fn)) {
      // Found by a function the trace does not name, reported through virtio_error as it ran: a call of its own
      // beside virtio_error (from its caller), not inside the configuration interrupt virtio_error sends.
      last = this.nextCall();
      this.tree[last] = [fn, this.callIds[reporter - 1]!];
    }
    if (last < 0) {
      this.note(event, message, fn);
      return;
    }
    this.push({ kind: 'event', fn, event, message, c: last });
  }

  /** Names an injected fault on the next store of the running operation (a no-op outside one). */
  tagNextWrite(fault: StepMessage): void {
    if (this.active) this.tag = { fault, once: true };
  }

  /**
   * Runs `body`, naming an injected fault on every store it makes, even one that leaves memory as it was (a zero
   * length stored over a fresh table's zero is still the wrong store).
   */
  tagged<T>(fault: StepMessage, body: () => T): T {
    if (!this.active) return body();
    const outer = this.tag;
    this.tag = { fault, once: false };
    try {
      return body();
    } finally {
      this.tag = outer;
    }
  }

  /** True inside run(): what happens now becomes steps (false while free-running, which records nothing). */
  get capturing(): boolean {
    return this.active;
  }

  /** The function running now (innermost), or '' outside an operation. */
  get currentFn(): string {
    return this.active ? this.current() : '';
  }

  /**
   * Runs `op` with `fn` as the outermost function name; returns its result and what it did, undone. `mark`, when
   * given, is called as each item is recorded; a positive result is kept as the item's `st`.
   */
  run<T>(
    fn: string,
    op: () => T,
    mark: (() => number) | null = null,
    calls: { root: number; next: () => number; resume?: Record<string, number> } = { root: 0, next: () => 0 },
  ): { result: T; items: CapturedItem[]; calls: CallTree } {
    this.items = [];
    this.mark = mark;
    this.crossed = true;
    // A handler's later part enters its functions again: each of them goes on as the call it was (once).
    const resume = { ...calls.resume };
    const callOf = (name: string): number => {
      const id = resume[name];
      if (id === undefined) return calls.next();
      delete resume[name];
      return id;
    };
    this.stack = [fn];
    this.callIds = [resume[fn] ?? calls.root];
    this.tree = { [this.callIds[0]!]: [fn, -1] };
    delete resume[fn];
    this.nextCall = calls.next;
    this.enterCall = callOf;
    this.returned = null;
    this.active = true;
    this.tag = null;
    this.mem.observer = (w) => {
      const item: CapturedItem = {
        kind: 'write',
        fn: this.current(),
        addr: w.addr,
        old: toHex(w.old),
        new: toHex(w.new),
        c: this.innermost(),
      };
      const tag = this.tag;
      if (tag) item.fault = tag.fault;
      if (tag?.once) this.tag = null;
      this.push(item);
    };
    let result: T;
    try {
      result = op();
    } finally {
      this.mem.observer = null;
      this.active = false;
      this.tag = null;
      this.mark = null;
    }
    const items = this.items;
    const tree = this.tree;
    this.items = [];
    this.tree = {};
    // Take the stores back out, newest first, so overlapping stores unwind correctly.
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (item.kind === 'write') this.mem.writeBytes(item.addr, fromHex(item.old));
    }
    return { result, items, calls: tree };
  }

  private push(item: CapturedItem): void {
    // Always set, so every item of a kind keeps one shape (the engine reads items on every step).
    item.st = this.mark?.() ?? 0;
    this.items.push(item);
    this.crossed = false;
    // An event noted for a returned call must come right after it: once anything else is recorded it has gone.
    if (item.kind !== 'event') this.returned = null;
  }

  /**
   * A call or a return. What the function that made the last store or event changed since (with no call in
   * between) is that item's: e.g. QEMU's flush moves used_idx and inuse right after its used.idx store. A
   * barrier keeps the state it was reached with (what follows a fence comes after it). Other changes wait for the
   * next item, so a step never shows state the code reaches only after its next store, barrier or event.
   */
  private boundary(): void {
    if (this.crossed || !this.mark) return;
    this.crossed = true;
    const last = this.items[this.items.length - 1];
    if (!last || last.kind === 'barrier') return;
    last.st = this.mark();
  }

  private current(): string {
    return this.stack[this.stack.length - 1] ?? '';
  }

  private innermost(): number {
    return this.callIds[this.callIds.length - 1] ?? -1;
  }
}
