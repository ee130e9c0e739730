import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { VringVirtqueueState } from '../../virtio/driver/types';
import type { VirtQueueState } from '../../virtio/device/virtQueueState';
import { initialVirtQueueState } from '../../virtio/device/virtQueueState';
import { freeListOf } from '../../virtio/driver/freeList';
import { BUILTIN_SCENARIOS, builtinScenario } from '../scenario/builtin';
import { Session } from '../session';
import { describe as describeView, type MachineView, type QueueView } from '../view';
import { Machine } from './machine';
import { zeroCounters } from './machineState';
import { PrivateTracker, advanceShown, shownCounters, type PrivateSources } from './privateState';

const machine = (name: string, seed = 1) => new Machine({ scenario: builtinScenario(name)!, seed });

/** The view after each of the first `n` steps (index k: after step k + 1, as the URL's step=k+1 shows). */
function views(name: string, n: number): MachineView[] {
  const m = machine(name);
  const out: MachineView[] = [];
  for (let k = 0; k < n && m.step() !== null; k++) out.push(describeView(m));
  return out;
}

const privateOf = (q: QueueView) => ({ driver: q.driver, device: q.device, chains: q.chains.map((c) => c.head) });

describe('private state as of the steps played (single-read, seed 1)', () => {
  const v = views('single-read', 45);
  const drv = (step: number) => v[step - 1]!.queues[0]!.driver;
  const dev = (step: number) => v[step - 1]!.queues[0]!.device!;

  it('the driver keeps its state until the stores that follow each update in virtqueue_add_split', () => {
    // Step 1: virtblk_setup_cmd wrote the request header; virtqueue_add_split has not run yet.
    for (let s = 1; s <= 14; s++) {
      expect(drv(s), `step ${s}`).toMatchObject({ free_head: 0, num_free: 8, avail_idx_shadow: 0, num_added: 0 });
      expect(drv(s).free_list, `step ${s}`).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(v[s - 1]!.queues[0]!.chains, `step ${s}`).toEqual([]);
      expect(v[s - 1]!.requests[0]!.head, `step ${s}`).toBeNull();
    }
    // Step 15: the avail.ring entry, after num_free, free_head and the head's token were set.
    expect(drv(15)).toMatchObject({ free_head: 3, num_free: 5, avail_idx_shadow: 0 });
    expect(drv(15).free_list).toEqual([3, 4, 5, 6, 7]);
    expect(v[14]!.queues[0]!.chains.map((c) => [c.head, c.request])).toEqual([[0, 0]]);
    expect(v[14]!.requests[0]!.head).toBe(0);
    // Step 16 (virtio_wmb): the shadow index moves only after it, with the avail.idx store (step 17).
    expect(drv(16).avail_idx_shadow).toBe(0);
    expect(drv(17)).toMatchObject({ avail_idx_shadow: 1, num_added: 1 });
    // The kick is shown at its own step, not before.
    expect(v[17]!.queues[0]!.doorbell).toBe(false);
    expect(v[17]!.counters.kicks).toBe(0);
    expect(v[18]!.queues[0]!.doorbell).toBe(true);
    expect(v[18]!.counters.kicks).toBe(1);
  });

  it('the device moves last_avail_idx after its smp_rmb, used_idx and inuse with the flush', () => {
    expect(dev(19)).toMatchObject({ last_avail_idx: 0, shadow_avail_idx: 0, inuse: 0 });
    expect(dev(20)).toMatchObject({ last_avail_idx: 0, shadow_avail_idx: 1, inuse: 0 });
    expect(dev(21)).toMatchObject({ last_avail_idx: 1 });
    for (let s = 23; s <= 32; s++) {
      expect(dev(s), `step ${s}`).toMatchObject({ inuse: 1, used_idx: 0, signalled_used: 0 });
    }
    // Step 33: virtqueue_split_flush stores used.idx; QEMU's used_idx and inuse move with it.
    expect(dev(33)).toMatchObject({ used_idx: 1, inuse: 0, signalled_used: 0, signalled_used_valid: false });
    // Step 34 is should_notify's smp_mb; the decision it then makes shows with the interrupt (step 35).
    expect(dev(34)).toMatchObject({ signalled_used: 0, signalled_used_valid: false });
    expect(dev(35)).toMatchObject({ signalled_used: 1, signalled_used_valid: true });
    expect(v[33]!.queues[0]!.interrupt).toBe(false);
    expect(v[34]!.queues[0]!.interrupt).toBe(true);
  });

  it('the driver reclaims the chain after reading the used element, not at the virtio_rmb before it', () => {
    expect(drv(36)).toMatchObject({ num_free: 5, free_head: 3, last_used_idx: 0 });
    expect(v[35]!.queues[0]!.chains.map((c) => c.head)).toEqual([0]);
    expect(drv(37)).toMatchObject({ num_free: 8, free_head: 0, last_used_idx: 1 });
    expect(v[36]!.queues[0]!.chains).toEqual([]);
  });

  it('the request stays listed with its head until its completion is played', () => {
    expect(v[36]!.counters.completed).toBe(0);
    expect(v[37]!.counters.completed).toBe(1);
  });
});

it('a descriptor is labelled with a request only once that request has written something (index-wrap and others)', () => {
  // index-wrap, seed 1, step 171 showed descriptor 3 as "req 4 head" before request 4 had written anything.
  for (const name of ['index-wrap', 'out-of-order', 'indirect', 'ring-full']) {
    const m = machine(name);
    const wrote = new Set<number>();
    let labelled = 0;
    for (let r = m.step(); r !== null && r.index < 2000; r = m.step()) {
      if (r.kind === 'write' && r.request !== undefined) wrote.add(r.request);
      const view = describeView(m);
      for (const q of view.queues) {
        for (const c of q.chains) {
          expect(wrote.has(c.request!), `${name} step ${r.index + 1}: chain ${c.head} of request ${c.request}`).toBe(
            true,
          );
          labelled++;
        }
      }
      for (const req of view.requests) {
        if (req.head !== null) expect(wrote.has(req.id), `${name} step ${r.index + 1}: request ${req.id}`).toBe(true);
      }
    }
    expect(labelled).toBeGreaterThan(20);
  }
});

describe('every built-in scenario', () => {
  it('shows each side moving only at its own steps, and the live state once each operation ends', () => {
    let errors = 0;
    for (const { name } of BUILTIN_SCENARIOS) {
      const m = machine(name);
      let prev: MachineView | null = null;
      let steps = 0;
      for (let r = m.step(); r !== null && steps < 3000; r = m.step(), steps++) {
        const view = describeView(m);
        const guest = r.actor === 'irq' || r.actor.startsWith('vcpu');
        view.queues.forEach((q, i) => {
          const p = prev?.queues[i];
          // The other side's state cannot move at this step (its code is not running).
          if (p && guest) expect(q.device, `${name} step ${r.index} q${i}`).toEqual(p.device);
          if (p && !guest) expect(privateOf(q).driver, `${name} step ${r.index} q${i}`).toEqual(p.driver);
          expect(q.driver.free_list).toHaveLength(q.driver.num_free);
          if (m.midOperation === null) {
            // Nothing is lost: once an operation has ended the view shows the live state.
            const vq = m.driver.vqs[i]!;
            expect(q.driver, `${name} step ${r.index}`).toEqual({ ...vq.state, free_list: freeListOf(vq) });
            expect(q.device).toEqual(m.device.vdev.vq[i]?.queue?.state ?? null);
            expect(q.doorbell).toBe(m.doorbells[i]);
            expect(q.interrupt).toBe(m.pendingInterrupts[i]);
          }
        });
        if (m.midOperation === null) expect(view.counters).toEqual(m.counters);
        // An error shows from the step that reports it.
        if (view.errors.length > (prev?.errors.length ?? 0)) {
          expect(
            r.events.some((e) => e.type === 'error'),
            `${name} step ${r.index}`,
          ).toBe(true);
          errors++;
        }
        prev = view;
      }
      expect(steps, name).toBeGreaterThan(10);
    }
    expect(errors).toBeGreaterThan(2);
  }, 120_000);
});

describe('regions of guest memory', () => {
  const labels = (v: MachineView) => v.regions.map((r) => r.label);

  it('an indirect table appears with the step of alloc_indirect_split, not when the operation starts', () => {
    const m = machine('indirect');
    const seen: { fn: string; tables: number }[] = [];
    for (let r = m.step(); r !== null && r.index < 30; r = m.step())
      seen.push({ fn: r.fn, tables: labels(describeView(m)).filter((l) => l === 'vq0 indirect table').length });
    const first = seen.findIndex((x) => x.tables > 0);
    expect(first).toBeGreaterThan(0);
    expect(seen[first]!.fn).toBe('alloc_indirect_split');
    expect(seen.slice(0, first).every((x) => x.tables === 0)).toBe(true);
  });

  it("a request's buffers go with the step that completes it, not when the interrupt handler starts", () => {
    const m = machine('single-read');
    const steps: { actor: string; fn: string; buffers: number }[] = [];
    for (let r = m.step(); r !== null; r = m.step()) {
      steps.push({
        actor: r.actor,
        fn: r.fn,
        buffers: labels(describeView(m)).filter((l) => l.startsWith('req 0')).length,
      });
    }
    const irq = steps.findIndex((x) => x.actor === 'irq');
    const gone = steps.findIndex((x) => x.buffers === 0);
    expect(irq).toBeGreaterThan(0);
    expect(steps[irq]!.buffers).toBe(3);
    expect(gone).toBeGreaterThan(irq);
    expect(steps[gone]!.fn).toBe('virtblk_request_done');
    expect(steps.slice(gone).every((x) => x.buffers === 0)).toBe(true);
  });

  it('every store lands in a region shown at its step, and between operations the shown regions are the live ones', () => {
    for (const name of ['out-of-order', 'indirect', 'bad-guest-missing-barrier', 'two-queues-two-iothreads']) {
      const m = machine(name);
      for (let r = m.step(); r !== null && r.index < 400; r = m.step()) {
        const v = describeView(m);
        for (const w of r.writes)
          expect(
            v.regions.some((r) => w.addr >= r.start && w.addr < r.start + r.size),
            `${name} step ${r.index + 1}: store at 0x${w.addr.toString(16)}`,
          ).toBe(true);
        if (m.midOperation === null) expect(v.regions).toEqual(m.alloc.all());
      }
    }
  });
});

describe('time travel', () => {
  it('a jump into the middle of an operation shows what stepping there shows', () => {
    for (const name of ['out-of-order', 'bad-guest-missing-barrier', 'two-queues-one-iothread']) {
      const stepped = views(name, 150);
      const s = new Session(builtinScenario(name)!, 1, { interval: 16 });
      for (let i = 0; i < 150 && s.stepOnce() !== null; i++);
      const last = Math.min(150, s.step);
      for (const k of [150, 3, 77, 21, 140, 33, 99, 5, 64, 128, 1, 150]) {
        if (k > last) continue;
        s.jump(k);
        const v = describeView(s.machine);
        expect(v.queues, `${name} jump to ${k}`).toEqual(stepped[k - 1]!.queues);
        expect(v.counters).toEqual(stepped[k - 1]!.counters);
        expect(v.requests).toEqual(stepped[k - 1]!.requests);
        expect(v.regions).toEqual(stepped[k - 1]!.regions);
      }
    }
  });

  it('a checkpoint (JSON) taken mid-operation restores the same view', () => {
    const m = machine('out-of-order');
    const other = machine('out-of-order');
    for (let k = 0; k < 80; k++) {
      m.step();
      other.restore(m.snapshot());
      expect(describeView(other)).toEqual(describeView(m));
    }
  });
});

describe('PrivateTracker', () => {
  interface FakeQueue {
    state: VringVirtqueueState;
    desc_extra: { next: Uint16Array; addr: Float64Array; len: Uint32Array; flags: Uint16Array };
    desc_state: { data: { id: number } | null }[];
  }
  const N = 8;
  const fakeQueue = (): FakeQueue => {
    const next = new Uint16Array(N);
    for (let i = 0; i < N - 1; i++) next[i] = i + 1;
    return {
      state: {
        num: N,
        free_head: 0,
        num_free: N,
        avail_idx_shadow: 0,
        avail_flags_shadow: 0,
        last_used_idx: 0,
        num_added: 0,
        event: false,
        indirect: false,
        weak_barriers: true,
        broken: false,
        event_triggered: false,
      },
      desc_extra: { next, addr: new Float64Array(N), len: new Uint32Array(N), flags: new Uint16Array(N) },
      desc_state: Array.from({ length: N }, () => ({ data: null })),
    };
  };
  const counters = zeroCounters;

  // An operation: chains taken from the free list's front (add) or put back at its front (detach), index moves.
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), len: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('detach' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('shadow' as const) }),
    fc.record({ kind: fc.constant('kick' as const), q: fc.integer({ min: 0, max: 1 }) }),
  );

  it('replays the state at every mark from its deltas (driver side)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const queues = [fakeQueue(), fakeQueue()];
        const c = counters();
        const lines = [false, false];
        const src: PrivateSources = {
          driverQueues: () => queues,
          deviceCount: () => 0,
          deviceQueue: () => null,
          counters: () => c,
          lines: () => lines,
          deviceErrors: () => 0,
          driverError: () => false,
        };
        const tracker = new PrivateTracker(src, 'driver');
        const truth: { free: number[]; heads: Record<number, number>; state: VringVirtqueueState }[] = [];
        const truthCounters: number[] = [];
        const marks: number[] = [];
        const chains: number[][] = [];
        let id = 0;
        for (const o of ops) {
          const vq = queues[0]!;
          if (o.kind === 'add' && vq.state.num_free >= o.len) {
            const chain = freeListOf(vq).slice(0, o.len);
            vq.state.free_head = vq.desc_extra.next[chain[chain.length - 1]!]!;
            vq.state.num_free -= o.len;
            vq.desc_state[chain[0]!]!.data = { id: id++ };
            chains.push(chain);
          } else if (o.kind === 'detach' && chains.length > 0) {
            const chain = chains.splice(o.pick % chains.length, 1)[0]!;
            vq.desc_state[chain[0]!]!.data = null;
            for (let k = 0; k < chain.length - 1; k++) vq.desc_extra.next[chain[k]!] = chain[k + 1]!;
            vq.desc_extra.next[chain[chain.length - 1]!] = vq.state.free_head;
            vq.state.free_head = chain[0]!;
            vq.state.num_free += chain.length;
          } else if (o.kind === 'shadow') vq.state.avail_idx_shadow = (vq.state.avail_idx_shadow + 1) & 0xffff;
          else if (o.kind === 'kick') {
            c.kicks++;
            lines[o.q] = true;
          }
          marks.push(tracker.mark());
          const heads: Record<number, number> = {};
          vq.desc_state.forEach((s, h) => {
            if (s.data) heads[h] = s.data.id;
          });
          truth.push({ free: freeListOf(vq), heads, state: { ...vq.state } });
          truthCounters.push(c.kicks);
        }
        const shown = tracker.finish(marks[marks.length - 1]!);
        expect(shown.driver[1]).toBeUndefined();
        const base = fakeQueue();
        marks.forEach((mark, k) => {
          advanceShown(shown, mark);
          const q0 = shown.driver[0] ?? { free: freeListOf(base), heads: {}, state: base.state };
          expect(q0.free).toEqual(truth[k]!.free);
          expect(q0.heads).toEqual(truth[k]!.heads);
          expect(q0.state).toEqual(truth[k]!.state);
          expect(shownCounters(c, [shown]).kicks).toBe(truthCounters[k]);
        });
        expect(shown.held).toEqual([]);
      }),
    );
  });

  it('replays the device side and holds a raised line until its mark is played', () => {
    const states: (VirtQueueState | null)[] = [
      initialVirtQueueState({ num: 8, desc: 0, avail: 0, used: 0 }, 0, 0),
      null,
    ];
    const c = counters();
    const irq = [false, false];
    const src: PrivateSources = {
      driverQueues: () => [],
      deviceCount: () => states.length,
      deviceQueue: (q) => states[q] ?? null,
      counters: () => c,
      lines: (side) => (side === 'device' ? irq : []),
      deviceErrors: () => 0,
      driverError: () => false,
    };
    const t = new PrivateTracker(src, 'device');
    const s = states[0]!;
    s.last_avail_idx = 1;
    s.inuse = 1;
    const m1 = t.mark();
    s.used_idx = 1;
    s.inuse = 0;
    const m2 = t.mark();
    irq[0] = true;
    c.interrupts++;
    const m3 = t.mark();
    const shown = t.finish(m3);
    expect(shown.device[0]).toMatchObject({ last_avail_idx: 0, inuse: 0, used_idx: 0 });
    expect(shown.held).toEqual([0]);
    advanceShown(shown, m1);
    expect(shown.device[0]).toMatchObject({ last_avail_idx: 1, inuse: 1, used_idx: 0 });
    advanceShown(shown, m2);
    expect(shown.device[0]).toMatchObject({ used_idx: 1, inuse: 0 });
    expect(shownCounters(c, [shown]).interrupts).toBe(0);
    advanceShown(shown, m3);
    expect(shown.held).toEqual([]);
    expect(shownCounters(c, [shown]).interrupts).toBe(1);
  });
});
