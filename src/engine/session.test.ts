import { describe, expect, it } from 'vitest';
import { parseBreakpoint } from './breakpoint';
import type { Machine } from './machine/machine';
import { builtinScenario } from './scenario/builtin';
import { Session, type RunTarget } from './session';
import type { StepEvent, StepRecord } from './step';
import { describe as describeView } from './view';

const scenario = (name: string) => {
  const s = builtinScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};

/** Small checkpoint intervals, so jumps cross checkpoints and keyframes even in short runs. */
const session = (name: string, seed = 1) => new Session(scenario(name), seed, { interval: 16, keyframeEvery: 4 });

const memoryOf = (m: Machine) => new Uint8Array(m.mem.buffer);

const runToEnd = (s: Session): StepRecord[] => {
  const all: StepRecord[] = [];
  for (let r = s.stepOnce(); r !== null; r = s.stepOnce()) all.push(r);
  return all;
};

const has = (r: StepRecord, type: StepEvent['type']) => r.events.some((e) => e.type === type);

describe('Session.forward', () => {
  it("'write' takes exactly one step", () => {
    const s = session('single-read');
    for (let k = 0; k < 10; k++) {
      const taken = s.forward('write');
      expect(taken).toHaveLength(1);
      expect(taken[0]!.index).toBe(k);
      expect(s.step).toBe(k + 1);
      expect(s.current).toBe(taken[0]);
    }
  });

  it("'function' takes one whole run of a function: same call and function, and the next step is another", () => {
    for (const name of ['single-read', 'out-of-order']) {
      const s = session(name);
      let previous: StepRecord | null = null;
      for (let taken = s.forward('function'); taken.length > 0; taken = s.forward('function')) {
        const first = taken[0]!;
        for (const r of taken) {
          expect(r.call).toBe(first.call);
          expect(r.fn).toBe(first.fn);
        }
        // Contiguous, and the run before it was a different function or call.
        taken.forEach((r, i) => expect(r.index).toBe(first.index + i));
        if (previous) expect(previous.call !== first.call || previous.fn !== first.fn).toBe(true);
        previous = taken[taken.length - 1]!;
      }
      expect(s.forward('function')).toEqual([]);
    }
  });

  it("'request' runs to the step that completes a request", () => {
    const s = session('ring-full');
    const completedIds: number[] = [];
    for (let taken = s.forward('request'); taken.length > 0; taken = s.forward('request')) {
      const last = taken[taken.length - 1]!;
      if (s.machine.peek() !== null || s.machine.ended === null) {
        expect(has(last, 'completed')).toBe(true);
        const done = last.events.find((e) => e.type === 'completed');
        if (done?.type === 'completed') completedIds.push(done.request);
      }
      // Only the last step of the stretch completes a request.
      for (const r of taken.slice(0, -1)) expect(has(r, 'completed')).toBe(false);
    }
    expect(completedIds).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('Session.back', () => {
  it("'write' goes back one step, to the state a fresh run has there", () => {
    const s = session('single-read');
    for (let i = 0; i < 20; i++) s.stepOnce();
    s.back('write');
    expect(s.step).toBe(19);
    expect(s.current?.index).toBe(18);
    const fresh = session('single-read');
    for (let i = 0; i < 19; i++) fresh.stepOnce();
    expect(Buffer.compare(memoryOf(s.machine), memoryOf(fresh.machine))).toBe(0);
    expect(s.machine.snapshot().state).toBe(fresh.machine.snapshot().state);
  });

  it("'function' lands where the function began, undoing forward('function') one at a time", () => {
    const s = session('out-of-order');
    const starts = [0];
    while (s.forward('function').length > 0) starts.push(s.step);
    const end = starts.pop()!;
    expect(s.step).toBe(end);
    for (let i = starts.length - 1; i >= 0; i--) {
      s.back('function');
      expect(s.step).toBe(starts[i]);
      // Where it lands, the step before (if any) belongs to another call or function.
      if (s.step > 0) {
        expect(s.log.call(s.step - 1) !== s.log.call(s.step) || s.log.fn(s.step - 1) !== s.log.fn(s.step)).toBe(true);
      }
    }
    s.back('function');
    expect(s.step).toBe(0);
    expect(s.current).toBeNull();
  });

  it("'request' lands just after the previous completion, undoing forward('request') one at a time", () => {
    const s = session('ring-full');
    const marks = [0];
    while (s.forward('request').length > 0) marks.push(s.step);
    marks.pop(); // the tail after the last completion
    const lastCompletion = marks[marks.length - 1]!;
    s.jump(lastCompletion);
    for (let i = marks.length - 2; i >= 0; i--) {
      s.back('request');
      expect(s.step).toBe(marks[i]);
      // Just after a completion (or at the start).
      if (s.step > 0) expect(has(s.current!, 'completed')).toBe(true);
    }
    expect(s.step).toBe(0);
  });
});

describe('Session.jump', () => {
  it('puts the run at step k exactly as a fresh run forwarded k steps, in any order, past the furthest step too', () => {
    const name = 'out-of-order';
    const s = session(name, 5);
    const total = runToEnd(session(name, 5)).length;
    const targets = [0, 1, 15, 16, 17, 63, 64, 65, Math.floor(total / 2), total - 1, total];
    // Fresh runs, one per target, made going forward once.
    const fresh = session(name, 5);
    const expected = new Map<number, { memory: Uint8Array; state: string; current: string }>();
    for (const k of targets) {
      while (fresh.step < k) fresh.stepOnce();
      expected.set(k, {
        memory: memoryOf(fresh.machine).slice(),
        state: fresh.machine.snapshot().state,
        current: JSON.stringify(fresh.current),
      });
    }
    // Never-taken steps first (the step log must see them), then back and forth.
    for (const k of [65, 17, total, 0, total - 1, 64, 1, Math.floor(total / 2), 16, 63, 15]) {
      expect(s.jump(k)).toBe(k);
      expect(s.step).toBe(k);
      const e = expected.get(k)!;
      expect(Buffer.compare(memoryOf(s.machine), e.memory)).toBe(0);
      expect(s.machine.snapshot().state).toBe(e.state);
      expect(JSON.stringify(s.current)).toBe(e.current);
    }
    // And the run goes on from a jump exactly as the fresh one does.
    s.jump(40);
    const again = session(name, 5);
    for (let i = 0; i < 40; i++) again.stepOnce();
    for (let i = 0; i < 30; i++) expect(JSON.stringify(s.stepOnce())).toBe(JSON.stringify(again.stepOnce()));
  });

  it('stops at the end of the run when asked to go beyond it', () => {
    const s = session('single-read');
    const all = runToEnd(session('single-read'));
    const end = all.length;
    expect(s.jump(end + 1000)).toBe(end);
    expect(s.step).toBe(end);
    expect(s.current).toEqual(all[end - 1]);
    s.jump(5);
    expect(s.jump(end + 1)).toBe(end);
    expect(s.current?.index).toBe(end - 1);
    expect(s.stepOnce()).toBeNull();
    expect(s.ended).toBe(true);
  });

  it('rejects a step that is not a whole non-negative number', () => {
    const s = session('single-read');
    expect(() => s.jump(-1)).toThrow(RangeError);
    expect(() => s.jump(1.5)).toThrow(RangeError);
  });
});

describe('Session.runUntil', () => {
  const eventOf: Record<Exclude<RunTarget, 'breakpoint' | 'end'>, StepEvent['type']> = {
    kick: 'kick',
    interrupt: 'interrupt',
    completion: 'completed',
    error: 'error',
  };

  it.each([
    ['kick', 'write-batch-flags'],
    ['interrupt', 'write-batch-event-idx'],
    ['completion', 'out-of-order'],
    ['error', 'bad-guest-looped-chain'],
  ] as const)('%s stops at each step with that event, in turn (%s)', (target, name) => {
    const s = session(name);
    const all = runToEnd(session(name));
    const expected = all.filter((r) => has(r, eventOf[target])).map((r) => r.index);
    expect(expected.length).toBeGreaterThan(0);
    const stops: number[] = [];
    for (let why = s.runUntil(target); why !== 'end'; why = s.runUntil(target)) {
      expect(why).toBe(target);
      expect(has(s.current!, eventOf[target])).toBe(true);
      expect(s.step).toBe(s.current!.index + 1);
      stops.push(s.current!.index);
    }
    expect(stops).toEqual(expected);
  });

  it("'error' stops at the driver's error too (a device that wrote a bad used element)", () => {
    const s = session('single-read');
    expect(s.runUntil('interrupt')).toBe('interrupt');
    // Playing a broken device: used.ring[0].id names a descriptor the ring does not have.
    s.machine.mem.write32(s.machine.driver.vqs[0]!.ring.addrs.used + 4, 99);
    expect(s.runUntil('error')).toBe('error');
    const e = s.current!.events.find((x) => x.type === 'error');
    expect(e?.type === 'error' && e.error.message).toBe('id 99 out of range');
    expect(s.current!.explain).toMatch(/^driver error: id 99 out of range/);
    expect(s.runUntil('end')).toBe('end');
    expect(s.machine.ended).toBe('driver-error');
  });

  it("'end' runs to the end of the run", () => {
    const s = session('bad-guest-index-jump');
    const all = runToEnd(session('bad-guest-index-jump'));
    expect(s.runUntil('end')).toBe('end');
    expect(s.step).toBe(all.length);
    expect(s.machine.ended).toBe('device-error');
    expect(s.ended).toBe(true);
  });

  it('gives up after the limit', () => {
    const s = session('write-batch-event-idx');
    expect(s.runUntil('error', 10)).toBe('limit');
    expect(s.step).toBe(10);
  });
});

describe('breakpoints', () => {
  /** The first step after which `holds` is true, stepping a fresh session one step at a time. */
  const firstStepWhere = (name: string, holds: (m: Machine, r: StepRecord) => boolean): number => {
    const s = session(name);
    for (let r = s.stepOnce(); r !== null; r = s.stepOnce()) if (holds(s.machine, r)) return r.index;
    throw new Error('never holds');
  };

  const stopAt = (name: string, text: string): number => {
    const s = session(name);
    s.breakpoints = [parseBreakpoint(text)];
    expect(s.runUntil('breakpoint')).toBe('breakpoint');
    return s.current!.index;
  };

  it('a field condition on the ring in memory stops where the store makes it true', () => {
    const at = stopAt('write-batch-event-idx', 'avail.idx == 3');
    expect(at).toBe(firstStepWhere('write-batch-event-idx', (m) => m.driver.vqs[0]!.ring.availIdx() === 3));
    const s = session('write-batch-event-idx');
    s.jump(at + 1);
    expect(s.current!.explain).toContain('avail.idx = 3');
  });

  // Private state as the view shows it: mid-operation, as of the steps played (the live state is ahead).
  it("a field condition on the driver's private state (vq0.num_free == 0)", () => {
    const at = stopAt('indirect', 'vq0.num_free == 0');
    expect(at).toBe(firstStepWhere('indirect', (m) => describeView(m).queues[0]!.driver.num_free === 0));
  });

  it("a field condition on the device's private state (inuse > 0)", () => {
    const at = stopAt('single-read', 'inuse > 0');
    expect(at).toBe(firstStepWhere('single-read', (m) => (describeView(m).queues[0]!.device?.inuse ?? 0) > 0));
    // single-read: QEMU's inuse grows at the end of virtqueue_split_pop, shown with the pop (step 23).
    expect(at).toBe(22);
  });

  it('a function breakpoint stops at the first step of that function', () => {
    const at = stopAt('single-read', 'fn:virtqueue_split_pop');
    expect(at).toBe(firstStepWhere('single-read', (_m, r) => r.fn === 'virtqueue_split_pop'));
  });

  it('a watch stops at the first store into the watched bytes (avail.idx)', () => {
    const probe = session('single-read');
    const addr = probe.machine.driver.vqs[0]!.ring.addrs.avail + 2;
    const at = stopAt('single-read', `watch:0x${addr.toString(16)}+2`);
    expect(at).toBe(
      firstStepWhere('single-read', (_m, r) =>
        r.writes.some((w) => w.addr < addr + 2 && addr < w.addr + w.new.length / 2),
      ),
    );
    const s = session('single-read');
    s.jump(at + 1);
    expect(s.current!.writes[0]!.addr).toBe(addr);
    expect(s.current!.explain).toContain('avail.idx = 1');
  });

  it('an event target still stops at a breakpoint that comes first, and the end ends both', () => {
    const s = session('single-read');
    s.breakpoints = [parseBreakpoint('fn:virtqueue_split_pop')];
    expect(s.runUntil('completion')).toBe('breakpoint');
    expect(s.current!.fn).toBe('virtqueue_split_pop');
    s.breakpoints = [parseBreakpoint('avail.idx == 99')];
    expect(s.runUntil('breakpoint')).toBe('end');
  });
});

describe('forward stops early and says why', () => {
  it('a multi-step forward stops at the step that hits a breakpoint, and lastStop says so', () => {
    const s = session('single-read');
    s.breakpoints = [parseBreakpoint('fn:virtqueue_notify'), parseBreakpoint('fn:virtqueue_split_pop')];
    const taken = s.forward('request');
    const last = taken[taken.length - 1]!;
    expect(last.fn).toBe('virtqueue_notify');
    expect(taken.slice(0, -1).some((r) => r.fn === 'virtqueue_notify')).toBe(false);
    expect(s.lastStop).toBe('breakpoint');
    expect(s.lastBreakpoint).toBe(0);
    // Going on finishes the request, stopping first at the other breakpoint.
    expect(s.forward('request').at(-1)!.fn).toBe('virtqueue_split_pop');
    expect(s.lastBreakpoint).toBe(1);
    const rest = s.forward('request');
    expect(rest.at(-1)!.events.some((e) => e.type === 'completed')).toBe(true);
    expect(s.lastStop).toBeNull();
    expect(s.lastBreakpoint).toBeNull();
  });

  it("a single step reports the breakpoint it hits, and 'function' stops inside the function", () => {
    const s = session('single-read');
    const probe = session('single-read');
    const availIdx = probe.machine.driver.vqs[0]!.ring.addrs.avail + 2;
    s.breakpoints = [parseBreakpoint(`watch:0x${availIdx.toString(16)}+2`)];
    let stops = 0;
    while (s.forward('write').length > 0) {
      if (s.lastStop === 'breakpoint') {
        stops++;
        expect(s.current!.writes.some((w) => w.addr === availIdx)).toBe(true);
      }
    }
    expect(stops).toBe(1);
    // A watch on descriptor 1's addr, a store in the middle of virtqueue_add_desc_split: 'function' stops there,
    // not at the end of the function.
    const desc1 = probe.machine.driver.vqs[0]!.ring.addrs.desc + 16;
    const f = session('single-read');
    f.breakpoints = [parseBreakpoint(`watch:0x${desc1.toString(16)}+8`)];
    let taken = f.forward('function');
    while (f.lastStop !== 'breakpoint') taken = f.forward('function');
    expect(taken.at(-1)!.fn).toBe('virtqueue_add_desc_split');
    expect(taken.at(-1)!.writes[0]!.addr).toBe(desc1);
    expect(f.machine.peek()?.fn).toBe('virtqueue_add_desc_split');
  });

  it('a condition stops where a step makes it true, not again while it stays true', () => {
    const s = session('write-batch-event-idx');
    s.breakpoints = [parseBreakpoint('avail.idx == 5')];
    expect(s.runUntil('breakpoint')).toBe('breakpoint');
    expect(s.machine.driver.vqs[0]!.ring.availIdx()).toBe(5);
    const at = s.step;
    // avail.idx stays 5 for a while: Play (one step at a time) does not stop on each of those steps.
    for (let i = 0; i < 3; i++) {
      s.forward('write');
      expect(s.lastStop).toBeNull();
    }
    expect(s.machine.driver.vqs[0]!.ring.availIdx()).toBe(5);
    // Run on: avail.idx never becomes 5 again in this run.
    expect(s.runUntil('breakpoint')).toBe('end');
    expect(s.step).toBeGreaterThan(at);
  });

  it("a function breakpoint stops at the first step of each call of it, its callees' steps included", () => {
    const stopsFor = (text: string) => {
      const s = session('single-read');
      s.breakpoints = [parseBreakpoint(text)];
      const stops: number[] = [];
      while (s.runUntil('breakpoint') === 'breakpoint') stops.push(s.current!.index);
      return stops;
    };
    // Three calls, one per descriptor: each stops at its first store.
    expect(stopsFor('fn:virtqueue_add_desc_split')).toEqual([1, 5, 9]);
    // Outer functions stop where their first callee's first step is: one request, one call each.
    expect(stopsFor('fn:virtqueue_add_split')).toEqual([1]);
    expect(stopsFor('fn:virtqueue_add_sgs')).toEqual([1]);
    expect(stopsFor('fn:virtblk_done')).toHaveLength(1);
    // The kick's step is virtqueue_notify's own call.
    expect(stopsFor('fn:virtqueue_notify')).toEqual([18]);
  });

  it('refuses a function no step is in, naming ones like it', () => {
    expect(() => parseBreakpoint('fn:no_such_fn')).toThrow(/no step of the simulation is in a function called/);
    expect(() => parseBreakpoint('fn:virtqueue_add_sg')).toThrow(/virtqueue_add_sgs/);
    expect(parseBreakpoint('fn:virtio_blk_handle_vq')).toEqual({ kind: 'function', fn: 'virtio_blk_handle_vq' });
  });

  it("stops at a step that reports an error, with lastStop 'error'", () => {
    const s = session('bad-guest-looped-chain');
    let taken = s.forward('request');
    while (s.lastStop === null) taken = s.forward('request');
    expect(s.lastStop).toBe('error');
    expect(taken.at(-1)!.events.some((e) => e.type === 'error')).toBe(true);
  });
});

describe('the end of the run', () => {
  it.each(['single-read', 'bad-guest-index-jump', 'bad-guest-missing-barrier', 'ring-full'])(
    'is known right after the last step, without taking another (%s)',
    (name) => {
      const total = runToEnd(session(name)).length;
      const s = session(name);
      for (let k = 0; k < total; k++) {
        expect(s.ended).toBe(false);
        expect(s.runEnd()).toBeNull();
        s.forward('write');
        expect(s.lastStop === 'end').toBe(k === total - 1);
      }
      expect(s.ended).toBe(true);
      const fresh = session(name);
      fresh.runUntil('end');
      expect(s.runEnd()).toBe(fresh.machine.ended);
      // Looking ahead changed nothing: the state is the one a run that never looked has.
      const blind = session(name);
      for (let k = 0; k < total; k++) blind.stepOnce();
      expect(s.machine.snapshot().state).toBe(blind.machine.snapshot().state);
      expect(Buffer.compare(memoryOf(s.machine), memoryOf(blind.machine))).toBe(0);
      expect(s.forward('write')).toEqual([]);
      expect(s.lastStop).toBe('end');
    },
  );

  it('runUntil in slices carries on exactly as one long run', () => {
    const whole = session('write-batch-flags');
    const sliced = session('write-batch-flags');
    whole.breakpoints = [parseBreakpoint('used.idx == 9')];
    sliced.breakpoints = [parseBreakpoint('used.idx == 9')];
    expect(whole.runUntil('breakpoint')).toBe('breakpoint');
    let why = sliced.runUntil('breakpoint', 7);
    while (why === 'limit') why = sliced.runUntil('breakpoint', 7);
    expect(why).toBe('breakpoint');
    expect(sliced.step).toBe(whole.step);
  });

  it('rebase marks where the history now starts', () => {
    const s = session('single-read');
    expect(s.origin).toBe('start');
    for (let i = 0; i < 5; i++) s.stepOnce();
    s.rebase();
    expect(s.origin).toBe('free-run');
    expect(s.step).toBe(0);
  });
});
