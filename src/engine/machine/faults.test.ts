import { describe, expect, it } from 'vitest';
import { History } from '../history';
import { builtinScenario } from '../scenario/builtin';
import type { Scenario } from '../scenario/schema';
import type { StepRecord } from '../step';
import { Machine } from './machine';
import { stallReasons } from './stall';
import { summarize } from './summary';

const scenario = (name: string): Scenario => {
  const s = builtinScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};

const run = (sc: Scenario, seed = 7): { m: Machine; records: StepRecord[] } => {
  const m = new Machine({ scenario: sc, seed });
  const records: StepRecord[] = [];
  m.onStep = (r) => records.push(r);
  while (m.stepOnce()) {
    /* to the end */
  }
  return { m, records };
};

const availIdxStores = (records: StepRecord[]) => records.filter((r) => r.message.key === 'avail.idx');

describe('fault: avail-idx-no-wrap', () => {
  it('publishes idx mod size: correct until the wrap, then avail.idx goes backwards and QEMU resets the device', () => {
    const { m, records } = run(scenario('bad-guest-index-no-wrap'));
    const values = availIdxStores(records).map((r) => r.message.params.value);
    expect(values).toEqual([1, 2, 3, 0]);
    // Only the store that differs from the free-running value names the fault.
    const faulty = availIdxStores(records).filter((r) => r.fault);
    expect(faulty).toHaveLength(1);
    expect(faulty[0]!.fault).toEqual({ key: 'fault.availIdxNoWrap', params: { value: 0, shadow: 4, size: 4 } });
    expect(faulty[0]!.fn).toBe('virtqueue_add_split');
    const s = summarize(m);
    expect(s.end).toBe('device-error');
    expect(s.errors).toEqual([expect.objectContaining({ kind: 'avail-idx-jump', side: 'device' })]);
    expect(s.errors[0]!.message).toBe('Guest moved used index from 3 to 0');
    expect(s.device_status & 64).toBe(64);
    // The driver's own shadow never stopped counting.
    expect(m.driver.vqs[0]!.state.avail_idx_shadow).toBe(4);
  });

  it('from a later request on: the requests before it publish the true index', () => {
    const base = scenario('bad-guest-index-no-wrap');
    const sc: Scenario = {
      ...base,
      queue: { ...base.queue, startIndex: 2 },
      faults: [{ kind: 'avail-idx-no-wrap', atRequest: 1 }],
    };
    const { m, records } = run(sc);
    // Request 0 publishes 3; request 1 publishes 4 mod 4 = 0, going backwards from 3.
    expect(availIdxStores(records).map((r) => r.message.params.value)).toEqual([3, 0]);
    expect(summarize(m).errors[0]!.message).toBe('Guest moved used index from 3 to 0');
  });
});

describe('fault: leaked-descriptor', () => {
  it('each leak costs the ring a chain for good, until a request finds no room with nothing in flight', () => {
    const { m, records } = run(scenario('bad-guest-leaked-descriptor'));
    const faults = records.filter((r) => r.events.some((e) => e.type === 'fault'));
    const leaks = faults.filter((r) => r.message.key === 'fault.leakedDescriptor');
    expect(leaks.map((r) => r.message.params.request)).toEqual([1, 3, 5, 7, 9]);
    expect(leaks.every((r) => r.fn === 'detach_buf_split' && r.actor === 'irq' && r.writes.length === 0)).toBe(true);
    expect(faults.at(-1)!.message).toEqual({ key: 'fault.ringExhausted', params: { q: 0, free: 1, size: 16 } });

    const s = summarize(m);
    expect(s.end).toBe('stalled');
    expect(s.errors).toEqual([]);
    expect(s.completed).toBeLessThan(s.requests);
    expect(s.queues[0]!.num_free).toBe(1);
    expect(stallReasons(m)).toEqual([{ kind: 'ring-exhausted', queue: 0, num_free: 1, size: 16 }]);
  });

  it('a single leak shrinks the ring but the run still completes', () => {
    const sc: Scenario = {
      ...scenario('bad-guest-leaked-descriptor'),
      faults: [{ kind: 'leaked-descriptor', atRequest: 2 }],
    };
    const { m } = run(sc);
    const s = summarize(m);
    expect(s.end).toBe('completed');
    expect(s.completed).toBe(12);
    expect(s.queues[0]!.num_free).toBe(13);
  });

  it('time travel through the leaks lands on the same state as a fresh run', () => {
    const sc = scenario('bad-guest-leaked-descriptor');
    const m = new Machine({ scenario: sc, seed: 3 });
    const h = new History(m, { interval: 32, keyframeEvery: 4 });
    while (h.forward()) {
      /* to the end */
    }
    for (const k of [40, 250, 100]) {
      h.jump(k);
      const fresh = new Machine({ scenario: sc, seed: 3 });
      while (fresh.stepCount < k) fresh.stepOnce();
      expect(m.snapshot().state).toBe(fresh.snapshot().state);
      expect(JSON.stringify(m.step())).toBe(JSON.stringify(fresh.step()));
    }
  });
});

describe('fault: lost-interrupt (EVENT_IDX)', () => {
  it('with used_event stuck, no later completion interrupts either: the guest hangs', () => {
    const { m } = run(scenario('bad-guest-lost-interrupt'));
    const s = summarize(m);
    expect(s.end).toBe('stalled');
    expect(s.interrupts_lost).toBe(1);
    expect(s.interrupts).toBe(0);
    expect(s.interrupts_suppressed).toBeGreaterThan(0);
    expect(s.errors).toEqual([]);
    expect(stallReasons(m)).toEqual([expect.objectContaining({ kind: 'used-not-collected', queue: 0 })]);
  });
});

describe('fault: bad-used-len', () => {
  it('names the fault on the used.len store only; virtio_blk ignores used.len and completes', () => {
    const { m, records } = run(scenario('bad-guest-wrong-used-len'));
    const tagged = records.filter((r) => r.fault);
    expect(tagged).toHaveLength(1);
    expect(tagged[0]!.message.key).toBe('used.ringLen');
    // virtqueue_fill's own store, before the flush publishes it: no step rewrites a published element.
    const at = records.indexOf(tagged[0]!);
    expect(tagged[0]).toMatchObject({ actor: 'iothread0', fn: 'virtqueue_split_fill' });
    expect(records[at - 1]!.message.key).toBe('used.ringId');
    const publish = records.findIndex((r, i) => i > at && r.message.key === 'used.idx');
    expect(records.slice(at + 1, publish).every((r) => r.fn === 'virtqueue_split_flush')).toBe(true);
    // One len store for that element: the wrong value is the only one written.
    const slot = tagged[0]!.message.params.slot;
    expect(
      records.slice(at - 1, publish).filter((r) => r.message.key === 'used.ringLen' && r.message.params.slot === slot),
    ).toHaveLength(1);
    expect(tagged[0]!.fault).toEqual({
      key: 'fault.badUsedLen',
      params: { len: 4097 + 0x10000, request: 1, writable: 4097 },
    });
    const s = summarize(m);
    expect(s.end).toBe('completed');
    expect(s.completed).toBe(3);
  });
});

describe('faults in how the driver writes a chain are its own stores, before avail.idx and the kick', () => {
  const withFault = (kind: Scenario['faults'][number]['kind'], base = 'single-read'): Scenario => ({
    ...scenario(base),
    faults: [{ kind, atRequest: 0 }],
  });
  const cases = [
    {
      kind: 'zero-length-desc',
      store: 'desc.len',
      fn: 'virtqueue_add_desc_split',
      value: 0,
      error: 'zero-sized-buffer',
    },
    {
      kind: 'write-before-read',
      store: 'desc.flags',
      fn: 'virtqueue_add_desc_split',
      value: 'NEXT|WRITE',
      error: 'blk-missing-headers',
    },
    {
      kind: 'head-out-of-range',
      store: 'avail.ring',
      fn: 'virtqueue_add_split',
      value: 11,
      error: 'head-out-of-range',
    },
    { kind: 'index-jump', store: 'avail.idx', fn: 'virtqueue_add_split', value: 10, error: 'avail-idx-jump' },
  ] as const;

  it.each(cases)('$kind', ({ kind, store, fn, value, error }) => {
    const { m, records } = run(withFault(kind), 1);
    const tagged = records.filter((r) => r.fault);
    expect(tagged).toHaveLength(1);
    const fault = records.indexOf(tagged[0]!);
    expect(tagged[0]).toMatchObject({ actor: 'vcpu0', fn, kind: 'write', message: { key: store } });
    expect(tagged[0]!.message.params.value).toBe(value);
    const kick = records.findIndex((r) => r.events.some((e) => e.type === 'kick'));
    const publish = records.findIndex((r) => r.message.key === 'avail.idx');
    expect(fault).toBeLessThanOrEqual(publish);
    expect(publish).toBeLessThan(kick);
    // Nothing the guest does after the kick touches the chain: the next guest step is the device's error's sequel.
    expect(records.slice(kick + 1).every((r) => r.actor !== 'vcpu0')).toBe(true);
    // The store of the true value is not made as well: each field the fault touches is written once.
    const sameField = records.filter(
      (r) => r.actor === 'vcpu0' && r.message.key === store && r.message.params.i === tagged[0]!.message.params.i,
    );
    expect(sameField).toHaveLength(1);
    expect(summarize(m).errors.map((e) => e.kind)).toEqual([error]);
  });

  it('in an indirect table too: the first entry of the table, not the ring descriptor that points at it', () => {
    const { records } = run(withFault('zero-length-desc', 'indirect'), 1);
    const tagged = records.filter((r) => r.fault);
    expect(tagged).toHaveLength(1);
    expect(tagged[0]!.message.key).toBe('indirect.len');
    expect(tagged[0]!.message.params).toMatchObject({ i: 0, value: 0 });
  });
});

describe('fault: looped-chain', () => {
  const records = run(scenario('bad-guest-looped-chain'), 1).records;
  const at = (pred: (r: StepRecord) => boolean) => records.findIndex(pred);

  it('is built into the chain by virtqueue_add_split, before the ring entry and avail.idx publish it', () => {
    const fault = at((r) => r.fault?.key === 'fault.loopedChain');
    const entry = at((r) => r.message.key === 'avail.ring' && r.message.params.value === 3);
    const publish = at((r) => r.message.key === 'avail.idx' && r.message.params.value === 2);
    expect(records[fault]).toMatchObject({ actor: 'vcpu0', fn: 'virtqueue_add_split', kind: 'write' });
    expect(fault).toBeGreaterThan(0);
    expect(fault).toBeLessThan(entry);
    expect(entry).toBeLessThan(publish);
    // The store that would have ended the chain leaves NEXT in place: no step clears it.
    const desc = records[fault]!.message.params.i;
    const flags = records.filter((r) => r.message.key === 'desc.flags' && r.message.params.i === desc);
    expect(flags.map((r) => r.message.params.value).at(-1)).toBe('NEXT|WRITE');
  });

  it('the device error comes before what it causes, and the run ends saying why request 0 never returns', () => {
    const error = at((r) => r.events.some((e) => e.type === 'error'));
    const config = at((r) => r.events.some((e) => e.type === 'interrupt' && e.queue === -1));
    const availEvent = records.findLastIndex((r) => r.message.key === 'used.availEvent');
    expect(records[error]).toMatchObject({ fn: 'virtqueue_split_pop', actor: 'iothread0' });
    expect(error).toBeLessThan(config);
    expect(config).toBe(error + 1);
    expect(availEvent).toBeGreaterThan(config);
    const last = records.at(-1)!;
    expect(last).toMatchObject({ fn: 'virtqueue_push', kind: 'action', actor: 'iothread0' });
    expect(last.message).toEqual({ key: 'device.dropped', params: { request: 0, error: 'Looped descriptor' } });
    expect(last.events).toEqual([{ type: 'io-done', request: 0, status: 0 }]);
    expect(records.filter((r) => r.events.some((e) => e.type === 'error'))).toHaveLength(1);
  });

  it('fires at the chosen request only, and only once', () => {
    const sc: Scenario = { ...scenario('bad-guest-looped-chain'), faults: [{ kind: 'looped-chain', atRequest: 2 }] };
    const tagged = run(sc, 1).records.filter((r) => r.fault);
    expect(tagged).toHaveLength(1);
    const m = new Machine({ scenario: sc, seed: 1 });
    while (m.stepOnce()) {
      /* to the end */
    }
    expect(summarize(m).errors.map((e) => e.kind)).toEqual(['looped-descriptor']);
  });
});

describe('injected stores name their fault', () => {
  it('the looped chain and the index jump are steps of their own with the fault named', () => {
    const looped = run(scenario('bad-guest-looped-chain')).records.filter((r) => r.fault);
    expect(looped.map((r) => r.message.key)).toEqual(['desc.next']);
    const last = looped[0]!.message.params.i;
    expect(looped[0]!.message.params.value).toBe(last);
    expect(looped[0]!.fault).toEqual({ key: 'fault.loopedChain', params: { desc: last } });

    const jump = run(scenario('bad-guest-index-jump')).records.filter((r) => r.fault);
    expect(jump).toHaveLength(1);
    expect(jump[0]!.message).toMatchObject({ key: 'avail.idx', params: { value: 102 } });
    expect(jump[0]!.fault).toEqual({ key: 'fault.indexJump', params: { by: 100 } });
  });
});

describe('faults leave other runs alone', () => {
  it('no fault hooks are installed without a driver-bug fault', () => {
    for (const name of ['single-read', 'bad-guest-looped-chain', 'bad-guest-wrong-used-len']) {
      const m = new Machine({ scenario: scenario(name), seed: 1 });
      expect(m.driver.vqs.every((vq) => vq.faultHooks === null)).toBe(true);
    }
  });

  it('a driver-bug fault at a request the workload never reaches changes nothing in the trace', () => {
    const base = scenario('ring-full');
    const plain = JSON.stringify(run(base, 5).records);
    for (const kind of ['avail-idx-no-wrap', 'leaked-descriptor'] as const) {
      const withFault = JSON.stringify(run({ ...base, faults: [{ kind, atRequest: 1000 }] }, 5).records);
      expect(withFault).toBe(plain);
    }
  });

  it('a stall with nothing wrong on either side is not explained away', () => {
    const { m } = run(scenario('single-read'));
    expect(m.ended).toBe('completed');
    expect(stallReasons(m)).toEqual([]);
  });
});
