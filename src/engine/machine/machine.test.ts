import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from '../scenario/builtin';
import { validateScenario } from '../scenario/validate';
import type { Scenario } from '../scenario/schema';
import { History } from '../history';
import type { StepRecord } from '../step';
import { Machine } from './machine';
import { stallReasons } from './stall';
import { summarize } from './summary';

const scenario = (name: string): Scenario => {
  const s = builtinScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};

const runAll = (m: Machine, limit = 2_000_000): StepRecord[] => {
  const records: StepRecord[] = [];
  m.onStep = (r) => records.push(r);
  while (m.stepCount < limit && m.stepOnce()) {
    /* run */
  }
  return records;
};

describe('Machine', () => {
  it('runs a single read to completion with the expected shape', () => {
    const m = new Machine({ scenario: scenario('single-read'), seed: 1 });
    const records = runAll(m);
    const s = summarize(m);
    expect(s.end).toBe('completed');
    expect(s.requests).toBe(1);
    expect(s.completed).toBe(1);
    expect(s.kicks).toBe(1);
    expect(s.interrupts).toBe(1);
    expect(s.queues[0]).toMatchObject({ avail_idx: 1, used_idx: 1, last_avail_idx: 1, last_used_idx: 1, num_free: 8 });
    expect(s.device_status).toBe(15);
    expect(s.data.verified_reads).toBe(1);
    // The read's chain: three descriptors written, then the avail slot, a barrier and avail.idx, then the kick.
    const fns = records.map((r) => r.fn);
    expect(fns).toContain('virtqueue_add_split');
    expect(fns).toContain('virtqueue_split_pop');
    expect(fns).toContain('virtqueue_split_flush');
    const publish = records.findIndex((r) => r.explain.includes('avail.idx = 1'));
    const wmb = records.findIndex((r) => r.events.some((e) => e.type === 'barrier' && e.kind === 'virtio_wmb'));
    const kick = records.findIndex((r) => r.events.some((e) => e.type === 'kick'));
    expect(wmb).toBeGreaterThan(-1);
    expect(wmb).toBeLessThan(publish);
    expect(publish).toBeLessThan(kick);
    expect(records.every((r, i) => r.index === i)).toBe(true);
  });

  it('shows the device reading the request header and the guest reading the data back as steps', () => {
    const m = new Machine({ scenario: scenario('single-read'), seed: 1 });
    const reads = runAll(m).filter((r) => r.events.some((e) => e.type === 'segment-read'));
    expect(reads.map((r) => [r.actor, r.fn, r.explain])).toEqual([
      ['iothread0', 'virtio_blk_handle_request', expect.stringContaining('out_hdr: 16 byte(s) read')],
      ['irq', 'virtblk_request_done', expect.stringContaining('data: 4096 byte(s) read')],
    ]);
    expect(reads.every((r) => r.request === 0 && r.writes.length === 0)).toBe(true);
  });

  it('memory always holds exactly what the steps so far wrote', () => {
    const m = new Machine({ scenario: scenario('single-read'), seed: 1 });
    const before = new Uint8Array(m.mem.buffer).slice();
    const image = before.slice();
    for (let r = m.step(); r !== null; r = m.step()) {
      for (const w of r.writes) {
        for (let i = 0; i < w.new.length / 2; i++) image[w.addr + i] = parseInt(w.new.slice(2 * i, 2 * i + 2), 16);
        expect(w.old.length).toBe(w.new.length);
      }
      expect(Buffer.compare(new Uint8Array(m.mem.buffer), image)).toBe(0);
    }
  });

  it('is deterministic: the same scenario and seed give identical traces', () => {
    for (const name of ['out-of-order', 'two-queues-two-iothreads']) {
      const a = JSON.stringify(runAll(new Machine({ scenario: scenario(name), seed: 42 })));
      const b = JSON.stringify(runAll(new Machine({ scenario: scenario(name), seed: 42 })));
      expect(a).toBe(b);
    }
    // A scenario with random latency and completion order follows its seed.
    const a = JSON.stringify(runAll(new Machine({ scenario: scenario('out-of-order'), seed: 42 })));
    const c = JSON.stringify(runAll(new Machine({ scenario: scenario('out-of-order'), seed: 43 })));
    expect(c).not.toBe(a);
  });

  it.each(BUILTIN_SCENARIOS.filter((s) => s.name !== 'random-soak').map((s) => [s.name, s] as const))(
    'built-in scenario %s ends as it expects',
    (_name, sc) => {
      const m = new Machine({ scenario: sc, seed: 7 });
      runAll(m);
      const s = summarize(m);
      expect(s.end).toBe(sc.expect.end);
      if (sc.expect.error) expect(s.errors.map((e) => e.kind)).toContain(sc.expect.error);
      if (sc.expect.end === 'completed') {
        expect(s.completed).toBe(s.requests);
        expect(s.data.mismatches).toBe(0);
        for (const q of s.queues) expect(q.num_free).toBe(q.size);
      } else if (sc.expect.end === 'device-error') {
        expect(s.device_status & 64).toBe(64); // DEVICE_NEEDS_RESET
      } else if (sc.expect.end === 'stalled') {
        // A hang: nobody reports an error, requests stay unfinished, and the state left behind says why.
        expect(s.errors).toEqual([]);
        expect(s.completed).toBeLessThan(s.requests);
        expect(stallReasons(m).length).toBeGreaterThan(0);
      } else {
        // Linux's BAD_RING: the driver stops using the queue; the device has seen nothing wrong.
        expect(s.errors.every((e) => e.side === 'driver')).toBe(true);
      }
    },
  );

  it('shows EVENT_IDX saving kicks and interrupts compared with the flags', () => {
    const withEvent = new Machine({ scenario: scenario('write-batch-event-idx'), seed: 1 });
    const withFlags = new Machine({ scenario: scenario('write-batch-flags'), seed: 1 });
    runAll(withEvent);
    runAll(withFlags);
    const a = summarize(withEvent);
    const b = summarize(withFlags);
    expect(a.completed).toBe(16);
    expect(b.completed).toBe(16);
    expect(a.kicks + a.kicks_suppressed).toBe(b.kicks + b.kicks_suppressed);
    expect(a.kicks_suppressed + a.interrupts_suppressed).toBeGreaterThan(0);
  });

  it('wraps indices past 65535', () => {
    const m = new Machine({ scenario: scenario('index-wrap'), seed: 1 });
    runAll(m);
    const s = summarize(m);
    expect(s.end).toBe('completed');
    expect(s.queues[0]!.avail_idx).toBe((65530 + 12) & 0xffff);
    expect(s.queues[0]!.used_idx).toBe(6);
  });

  it('reports a full ring as a normal event, not an error', () => {
    const m = new Machine({ scenario: scenario('ring-full'), seed: 1 });
    runAll(m);
    const s = summarize(m);
    expect(s.ring_full).toBeGreaterThan(0);
    expect(s.end).toBe('completed');
    expect(s.errors).toEqual([]);
  });

  it('a lost kick stalls the run, and the summary says so', () => {
    const r = validateScenario({
      version: 1,
      name: 'lost-kick',
      title: 'x',
      queue: { size: 8 },
      workload: { ops: [{ op: 'read', count: 1 }] },
      faults: [{ kind: 'skip-kick', atRequest: 0 }],
    });
    if (!r.ok) throw new Error('bad test scenario');
    const m = new Machine({ scenario: r.scenario, seed: 1 });
    runAll(m);
    expect(summarize(m)).toMatchObject({ end: 'stalled', kicks_lost: 1, completed: 0 });
  });
});

describe('Machine with History', () => {
  it('a jump to step k equals a fresh run to step k, byte for byte', () => {
    const sc = scenario('out-of-order');
    const m = new Machine({ scenario: sc, seed: 5 });
    const h = new History(m, { interval: 64, keyframeEvery: 4 });
    while (h.forward()) {
      /* run to the end */
    }
    const end = m.stepCount;
    for (const k of [0, 1, 63, 64, 65, Math.floor(end / 2), end - 1, 17]) {
      h.jump(k);
      const fresh = new Machine({ scenario: sc, seed: 5 });
      while (fresh.stepCount < k) fresh.stepOnce();
      expect(m.stepCount).toBe(k);
      expect(Buffer.compare(new Uint8Array(m.mem.buffer), new Uint8Array(fresh.mem.buffer))).toBe(0);
      expect(m.snapshot().state).toBe(fresh.snapshot().state);
      // And the run goes on identically from there.
      const next = m.step();
      const freshNext = fresh.step();
      expect(JSON.stringify(next)).toBe(JSON.stringify(freshNext));
    }
  });
});
