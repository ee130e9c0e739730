import { describe, expect, it } from 'vitest';
import { parseBreakpoint } from './breakpoint';
import { Machine } from './machine/machine';
import { BUILTIN_SCENARIOS, builtinScenario } from './scenario/builtin';
import type { Scenario } from './scenario/schema';
import { Session } from './session';
import type { StepRecord } from './step';

const scenario = (name: string): Scenario => {
  const s = builtinScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};

const stepsOf = (s: Scenario, seed = 1, max = 20_000): StepRecord[] => {
  const m = new Machine({ scenario: s, seed });
  const out: StepRecord[] = [];
  m.onStep = (r) => out.push(r);
  for (let n = 0; n < max && m.stepOnce(); n++) {
    /* to the end */
  }
  return out;
};

const names = (r: StepRecord) => r.frames.map((f) => f.fn);
const has = (r: StepRecord, type: StepRecord['events'][number]['type']) => r.events.some((e) => e.type === type);

/** The steps a function breakpoint stops at, running to the end. */
const stopsFor = (name: string, text: string): number[] => {
  const s = new Session(scenario(name), 1, { interval: 16, keyframeEvery: 4 });
  s.breakpoints = [parseBreakpoint(text)];
  const stops: number[] = [];
  while (s.runUntil('breakpoint') === 'breakpoint') stops.push(s.current!.index);
  return stops;
};

/** Each distinct call of `fn` among the steps' frames. */
const callsOf = (steps: readonly StepRecord[], fn: string): Set<number> =>
  new Set(steps.flatMap((r) => r.frames.filter((f) => f.fn === fn).map((f) => f.call)));

describe('one real call is one call number, and a function breakpoint stops once per call', () => {
  it('virtio_blk_handle_request and virtqueue_pop: one call each per request in single-read', () => {
    const steps = stepsOf(scenario('single-read'));
    expect(callsOf(steps, 'virtio_blk_handle_request').size).toBe(1);
    expect(callsOf(steps, 'virtqueue_pop').size).toBe(1);
    // The chain taken is the pop's own step: its call, right after its barriers.
    const popped = steps.find((r) => has(r, 'popped'))!;
    expect(popped.fn).toBe('virtqueue_pop');
    expect(popped.call).toBe([...callsOf(steps, 'virtqueue_pop')][0]);
    expect(stopsFor('single-read', 'fn:virtio_blk_handle_request')).toHaveLength(1);
    expect(stopsFor('single-read', 'fn:virtqueue_pop')).toHaveLength(1);
  });

  it('the handler going on in later parts is not a new call: fn:virtio_blk_handle_vq stops once per kick handled', () => {
    const steps = stepsOf(scenario('single-read'));
    const vq = callsOf(steps, 'virtio_blk_handle_vq');
    expect(vq.size).toBe(1);
    // Its steps span several operations (one request or the end of a pass each).
    const ops = new Set(steps.filter((r) => names(r).includes('virtio_blk_handle_vq')).map((r) => r.operation));
    expect(ops.size).toBeGreaterThan(1);
    expect(stopsFor('single-read', 'fn:virtio_blk_handle_vq')).toHaveLength(1);
  });

  it("the missing barrier's late stores do not stop fn:virtqueue_add_split again in the same call", () => {
    const steps = stepsOf(scenario('bad-guest-missing-barrier'));
    const adds = callsOf(steps, 'virtqueue_add_split');
    const stops = stopsFor('bad-guest-missing-barrier', 'fn:virtqueue_add_split');
    expect(stops).toHaveLength(adds.size);
    // The delayed request's call: its avail.idx step first, its descriptors long after, other actors between.
    const late = steps.filter((r) => r.frames.some((f) => f.fn === 'virtqueue_add_split' && f.call === [...adds][1]));
    expect(late.length).toBeGreaterThan(1);
    expect(late.at(-1)!.index - late[0]!.index).toBeGreaterThan(late.length);
    expect(stops).toContain(late[0]!.index);
    expect(stops).not.toContain(late.find((r) => r.fn === 'virtqueue_add_desc_split')!.index);
  });

  it("each step's `begins` counts the frames no earlier step showed, over every built-in scenario", () => {
    for (const s of BUILTIN_SCENARIOS.map((x) => x.name)) {
      const shown = new Set<number>();
      for (const r of stepsOf(scenario(s), 1, 3000)) {
        const fresh = r.frames.filter((f) => !shown.has(f.call)).map((f) => f.call);
        expect(r.begins, `${s} step ${r.index}`).toBe(fresh.length);
        // The new ones are the innermost.
        expect(r.frames.slice(r.frames.length - fresh.length).map((f) => f.call)).toEqual(fresh);
        for (const f of r.frames) shown.add(f.call);
      }
    }
  }, 60_000);
});

describe('frames nest as the real calls do', () => {
  it('virtio_blk_req_complete runs inside virtio_blk_rw_complete', () => {
    const steps = stepsOf(scenario('single-read'));
    const status = steps.find((r) => r.fn === 'virtio_blk_req_complete')!;
    expect(names(status)).toEqual(['virtio_blk_rw_complete', 'virtio_blk_req_complete']);
    const data = steps.find((r) => r.fn === 'virtio_blk_rw_complete')!;
    expect(status.frames[0]!.call).toBe(data.call);
  });

  it('the ring-full step sits in the same virtio_queue_rq call, under blk_mq_run_hw_queue, as the rest of its operation', () => {
    for (const name of ['ring-full', 'bad-guest-wrong-used-len']) {
      const steps = stepsOf(scenario(name));
      const full = steps.find((r) => has(r, 'ring-full'))!;
      expect(full, name).toBeDefined();
      expect(names(full)).toEqual(['blk_mq_run_hw_queue', 'virtio_queue_rq']);
      const sameOp = steps.filter((r) => r.operation === full.operation);
      const rq = new Set(sameOp.flatMap((r) => r.frames.filter((f) => f.fn === 'virtio_queue_rq').map((f) => f.call)));
      expect(rq.size, name).toBe(1);
      for (const r of sameOp) expect(names(r)[0], `${name} step ${r.index}`).toBe('blk_mq_run_hw_queue');
    }
  });
});

describe('an error is a step of the call that found it', () => {
  it('in the call of the function that detected it, never inside the configuration interrupt it causes', () => {
    for (const name of [
      'bad-guest-looped-chain',
      'bad-guest-index-jump',
      'bad-guest-missing-barrier',
      'bad-guest-index-no-wrap',
    ]) {
      const steps = stepsOf(scenario(name));
      const errors = steps.filter((r) => has(r, 'error'));
      expect(errors.length, name).toBeGreaterThan(0);
      for (const r of errors) {
        expect(names(r), name).not.toContain('virtio_notify_config');
        expect(r.frames.at(-1)!.fn).toBe(r.fn);
        // A call seen before (the pop that walked the looped chain, the get_buf that read the bad id) is reused.
        const earlier = steps.filter((x) => x.index < r.index && x.frames.some((f) => f.fn === r.fn));
        const sameCall = earlier.some((x) => x.frames.some((f) => f.call === r.call));
        if (name === 'bad-guest-looped-chain' || name === 'bad-guest-missing-barrier')
          expect(sameCall, name).toBe(true);
      }
    }
  });
});

describe('QEMU submits reads and writes after the handler loop (virtio_blk_submit_multireq)', () => {
  it('single-read: notifications are back on (set_notification and its smp_mb) before the read goes to the backend', () => {
    const steps = stepsOf(scenario('single-read'));
    const submitted = steps.find((r) => has(r, 'io-submitted'))!;
    expect(submitted.fn).toBe('virtio_blk_submit_multireq');
    expect(names(submitted)).toEqual([
      'virtio_blk_handle_output',
      'virtio_blk_handle_vq',
      'virtio_blk_submit_multireq',
    ]);
    const enable = steps.findIndex((r) => r.fn === 'virtio_queue_split_set_notification' && r.kind === 'barrier');
    expect(enable).toBeGreaterThan(steps.findIndex((r) => has(r, 'popped')));
    expect(submitted.index).toBeGreaterThan(steps[enable]!.index);
    // No step of virtio_blk_handle_request hands anything to the disk for a read.
    expect(steps.filter((r) => r.fn === 'virtio_blk_handle_request' && has(r, 'io-submitted'))).toEqual([]);
    // The step numbers links and lessons use did not move: the same number of steps.
    expect(steps).toHaveLength(40);
    expect(steps[24]!.fn).toBe('virtio_queue_split_set_notification');
    expect(steps[26]).toBe(submitted);
  });

  it('a batch popped in one run of the handler is submitted in one virtio_blk_submit_multireq call, after the loop', () => {
    const steps = stepsOf(scenario('write-batch-flags'));
    const subs = steps.filter((r) => has(r, 'io-submitted'));
    expect(subs.length).toBe(16);
    for (const r of subs) expect(r.fn).toBe('virtio_blk_submit_multireq');
    const byCall = new Map<number, StepRecord[]>();
    for (const r of subs) byCall.set(r.call, [...(byCall.get(r.call) ?? []), r]);
    // Some run of the handler popped several writes before it ended.
    expect(Math.max(...[...byCall.values()].map((v) => v.length))).toBeGreaterThan(1);
    // Each submission follows the last set_notification(1) of its handler's run, in the same handle_vq call.
    for (const r of subs) {
      const vq = r.frames.find((f) => f.fn === 'virtio_blk_handle_vq')!.call;
      const enables = steps.filter(
        (x) =>
          x.index < r.index && x.fn === 'virtio_queue_split_set_notification' && x.frames.some((f) => f.call === vq),
      );
      const pops = steps.filter((x) => x.index < r.index && has(x, 'popped') && x.frames.some((f) => f.call === vq));
      expect(pops.length).toBeGreaterThan(0);
      expect(enables.length, `step ${r.index}`).toBeGreaterThan(0);
      expect(enables.at(-1)!.index).toBeGreaterThan(pops.at(-1)!.index);
    }
  });
});

describe("the forced notify of a full ring is Linux's vq->notify (vp_notify), not virtqueue_notify", () => {
  it('frames and breakpoints', () => {
    for (const name of ['ring-full', 'bad-guest-wrong-used-len', 'bad-guest-lost-interrupt']) {
      const steps = stepsOf(scenario(name));
      const forced = steps.filter((r) => names(r).includes('virtqueue_add_split') && has(r, 'kick'));
      expect(forced.length, name).toBeGreaterThan(0);
      for (const r of forced) {
        expect(r.fn).toBe('vp_notify');
        expect(names(r).slice(-2)).toEqual(['virtqueue_add_split', 'vp_notify']);
        expect(names(r)).not.toContain('virtqueue_notify');
      }
      // fn:virtqueue_notify stops only where virtqueue_notify really runs.
      const real = new Set(steps.filter((r) => names(r).includes('virtqueue_notify')).map((r) => r.index));
      for (const at of stopsFor(name, 'fn:virtqueue_notify')) expect(real.has(at), `${name} step ${at}`).toBe(true);
      for (const r of forced) expect(stopsFor(name, 'fn:vp_notify')).toContain(r.index);
    }
  });
});
