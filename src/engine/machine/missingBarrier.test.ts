import { afterEach, describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import type { Scenario } from '../scenario/schema';
import { validateScenario } from '../scenario/validate';
import { History } from '../history';
import { renderMessage } from '../messages';
import { Session } from '../session';
import type { StepRecord } from '../step';
import { WorkerConductor } from '../worker/conductor';
import { spawnNodeWorker } from '../worker/nodeSpawn';
import type { CapturedItem } from './capture';
import { Machine } from './machine';
import { dropVirtioWmb } from './missingBarrier';
import { summarize } from './summary';

const NAME = 'bad-guest-missing-barrier';
const scenario = (): Scenario => builtinScenario(NAME)!;

const runAll = (m: Machine): StepRecord[] => {
  const records: StepRecord[] = [];
  m.onStep = (r) => records.push(r);
  while (m.stepCount < 100_000 && m.stepOnce()) {
    /* run */
  }
  return records;
};

/** The steps of request 1's submission, where the fault is injected, and the key ones among them. */
function faultedSubmission(records: StepRecord[]) {
  const publish = records.findIndex((r) => r.explain.includes('fault: virtio_wmb missing'));
  const call = records[publish]!.operation;
  const own = records.filter((r) => r.operation === call);
  const entry = records.findIndex((r) => r.operation === call && /avail\.ring\[1\] = 3/.test(r.explain));
  const descs = records.flatMap((r, i) => (r.operation === call && /descriptor [345]:/.test(r.explain) ? [i] : []));
  return { publish, call, own, entry, descs };
}

describe('missing-barrier fault', () => {
  it('plays avail.idx before the chain and its ring entry, with no virtio_wmb, and lets the IOThread in between', () => {
    const records = runAll(new Machine({ scenario: scenario(), seed: 1 }));
    const { publish, own, entry, descs } = faultedSubmission(records);
    expect(publish).toBeGreaterThan(-1);
    expect(records[publish]!.explain).toMatch(/avail\.idx = 2/);
    expect(records[publish]!.explain).toMatch(/avail\.ring\[1\] still holds 0, not request 1's head 3/);
    expect(entry).toBeGreaterThan(publish);
    expect(descs).toHaveLength(13); // three descriptors, four fields each, and the last one's NEXT cleared
    expect(Math.min(...descs)).toBeGreaterThan(publish);
    expect(Math.max(...descs)).toBeLessThan(entry);
    expect(own.some((r) => r.events.some((e) => e.type === 'barrier' && e.kind === 'virtio_wmb'))).toBe(false);
    // The kick_prepare barrier still follows the (late) ring entry.
    const mb = records.findIndex((r, i) => i > entry && r.events.some((e) => e.type === 'barrier'));
    expect(records[mb]!.events).toContainEqual({ type: 'barrier', kind: 'virtio_mb' });
    // The device moved while the operation was suspended, and the operation then resumed under its own call.
    const between = records.slice(publish + 1, entry).filter((r) => r.actor !== 'vcpu0');
    expect(between.length).toBeGreaterThan(0);
    expect(between.every((r) => r.actor === 'iothread0')).toBe(true);
    expect(records[publish]!.callEnd).toBe(false);
    expect(own[own.length - 1]!.callEnd).toBe(true);
    // The first request's submission is untouched: its barrier sits between its ring entry and avail.idx.
    const first = records.filter((r) => r.operation === records[0]!.operation).map((r) => r.explain);
    const wmb = first.findIndex((e) => e.startsWith('virtio_wmb'));
    expect(first[wmb - 1]).toMatch(/avail\.ring\[0\] = 0/);
    expect(first[wmb + 1]).toMatch(/avail\.idx = 1/);
  });

  it('the device pops the stale ring entry: a head other than the request’s', () => {
    const m = new Machine({ scenario: scenario(), seed: 1 });
    const records = runAll(m);
    const { publish, entry } = faultedSubmission(records);
    const head = m.driver.requests.get(1)!.head;
    expect(head).toBe(3);
    const pops = records.flatMap((r, i) =>
      r.events.flatMap((e) => (e.type === 'popped' && e.request === 1 ? [{ i, e, r }] : [])),
    );
    expect(pops).toHaveLength(1);
    const pop = pops[0]!;
    expect(pop.e.head).not.toBe(head);
    expect(pop.e.head).toBe(0); // the zeroed slot: request 0's head, popped a second time
    expect(pop.i).toBeGreaterThan(publish);
    expect(pop.i).toBeLessThan(entry);
    expect(pop.r.explain).toMatch(/reads avail\.ring\[1\] = 0 before the driver's store of head 3/);
    expect(records.filter((r) => r.events.some((e) => e.type === 'popped' && e.head === 0))).toHaveLength(2);
  });

  it('ends as the scenario expects: Linux finds a used id that is not a head', () => {
    const m = new Machine({ scenario: scenario(), seed: 1 });
    const records = runAll(m);
    const s = summarize(m);
    expect(s.end).toBe('driver-error');
    expect(scenario().expect).toEqual({ end: 'driver-error', error: 'used-id-not-head' });
    expect(s.errors).toEqual([expect.objectContaining({ kind: 'used-id-not-head', side: 'driver' })]);
    expect(s.errors[0]!.message).toBe('id 0 is not a head!');
    expect(s.completed).toBe(1);
    expect(m.midOperation).toBeNull();
    const used = records.filter((r) => /used\.ring\[\d\]\.id = 0/.test(r.explain));
    expect(used).toHaveLength(2);
  });

  it('the faulted operation’s own kick wakes the device only when its step is played', () => {
    // The IOThread has handled the first kick and the disk is slow: only the second kick could let it in early.
    const r = validateScenario({
      ...scenario(),
      device: { latency: 50 },
      guest: { interleaving: 'alternate' },
    });
    if (!r.ok) throw new Error('bad test scenario');
    const m = new Machine({ scenario: r.scenario, seed: 1 });
    const records: StepRecord[] = [];
    let published = false;
    for (let rec = m.step(); rec !== null; rec = m.step()) {
      records.push(rec);
      if (rec.explain.includes('fault: virtio_wmb missing')) published = true;
      if (!published) continue;
      const kicked = rec.events.some((e) => e.type === 'kick');
      expect(m.doorbells[0]).toBe(kicked);
      if (kicked) break;
      // The IOThread may still be in the handler of the first kick (draining with NO_NOTIFY set or not), but no
      // doorbell lets it in: a new handler starts only with the kick's own step.
      if (rec.actor !== 'vcpu0') expect(rec.fn).not.toBe('virtio_blk_handle_output');
    }
    expect(published).toBe(true);
    runAll(m);
    // The IOThread, still draining from the first kick, popped the stale slot the late stores had not yet filled:
    // the chain it returned is not a head Linux knows.
    const end = summarize(m);
    expect(end.end).toBe('driver-error');
    expect(end.errors.map((e) => e.message).join()).toMatch(/is not a head/);
  });

  it('without the fault the same workload completes', () => {
    const r = validateScenario({ ...scenario(), faults: [] });
    if (!r.ok) throw new Error('bad test scenario');
    const m = new Machine({ scenario: r.scenario, seed: 1 });
    const records = runAll(m);
    expect(summarize(m).end).toBe('completed');
    expect(records.some((x) => x.explain.includes('fault'))).toBe(false);
  });

  it('is deterministic: two runs are identical, step for step and byte for byte', () => {
    for (const seed of [1, 7]) {
      const a = new Machine({ scenario: scenario(), seed });
      const b = new Machine({ scenario: scenario(), seed });
      expect(JSON.stringify(runAll(a))).toBe(JSON.stringify(runAll(b)));
      expect(Buffer.compare(new Uint8Array(a.mem.buffer), new Uint8Array(b.mem.buffer))).toBe(0);
      expect(a.saveStateJSON()).toBe(b.saveStateJSON());
    }
  });

  it('a History jump into the interrupted operation equals a fresh run, byte for byte', () => {
    const sc = scenario();
    const records = runAll(new Machine({ scenario: sc, seed: 1 }));
    const { publish, entry } = faultedSubmission(records);
    const m = new Machine({ scenario: sc, seed: 1 });
    const h = new History(m, { interval: 8, keyframeEvery: 2 });
    while (h.forward()) {
      /* run to the end */
    }
    const end = m.stepCount;
    const targets = [publish, publish + 1, publish + 3, Math.floor((publish + entry) / 2), entry - 1, entry, entry + 1];
    for (const k of [...targets, 0, end - 1, publish + 2]) {
      h.jump(k);
      const fresh = new Machine({ scenario: sc, seed: 1 });
      while (fresh.stepCount < k) fresh.stepOnce();
      expect(m.stepCount).toBe(k);
      expect(Buffer.compare(new Uint8Array(m.mem.buffer), new Uint8Array(fresh.mem.buffer))).toBe(0);
      expect(m.saveStateJSON()).toBe(fresh.saveStateJSON());
      expect(m.midOperation).toBe(fresh.midOperation);
      expect(JSON.stringify(m.step())).toBe(JSON.stringify(fresh.step()));
    }
    // Inside the window the guest's operation is suspended while the IOThread's runs.
    h.jump(publish + 2);
    expect(m.midOperation).toBe('iothread0');
    expect(m.runnable()).toEqual(['iothread0']);
  });

  it('a conductor and a worker handing the state back and forth equal one machine', () => {
    const sc = scenario();
    const conductor = new Machine({ scenario: sc, seed: 1 });
    const worker = new Machine({ scenario: sc, seed: 1, memoryBuffer: conductor.mem.buffer as ArrayBuffer });
    const alone = new Machine({ scenario: sc, seed: 1 });
    for (;;) {
      const actor = conductor.chooseNext();
      worker.loadStateJSON(conductor.saveStateJSON());
      const r = worker.step();
      conductor.loadStateJSON(worker.saveStateJSON());
      const expected = alone.step();
      expect(JSON.stringify(r)).toBe(JSON.stringify(expected));
      if (!r) break;
      expect(r.actor).toBe(actor);
    }
    expect(Buffer.compare(new Uint8Array(conductor.mem.buffer), new Uint8Array(alone.mem.buffer))).toBe(0);
    expect(conductor.saveStateJSON()).toBe(alone.saveStateJSON());
  });
});

describe('missing-barrier fault in worker_threads', () => {
  let conductor: WorkerConductor | null = null;
  afterEach(() => conductor?.terminate());

  it('live steps taken by the workers equal a run on one thread', async () => {
    conductor = await WorkerConductor.start(scenario(), 1, spawnNodeWorker);
    const local = new Session(scenario(), 1);
    for (;;) {
      const live = await conductor.stepLive();
      expect(JSON.stringify(live)).toBe(JSON.stringify(local.stepOnce()));
      if (!live) break;
    }
    expect(Buffer.compare(new Uint8Array(conductor.buffers.memory), new Uint8Array(local.machine.mem.buffer))).toBe(0);
    expect(conductor.session.machine.saveStateJSON()).toBe(local.machine.saveStateJSON());
  }, 60_000);
});

describe('dropVirtioWmb', () => {
  const avail = 0x100;
  const w = (fn: string, addr: number, old: string, now: string): CapturedItem => ({
    kind: 'write',
    fn,
    addr,
    old,
    new: now,
  });
  const items: CapturedItem[] = [
    w('virtblk_setup_cmd', 0x900, '00', '01'),
    w('virtqueue_add_desc_split', 0x30, '0000', '0100'),
    w('virtqueue_add_split', 0x30, '0100', '0000'),
    w('virtqueue_add_split', avail + 4 + 2 * 1, '0000', '0300'),
    { kind: 'barrier', fn: 'virtqueue_add_split', barrier: 'virtio_wmb' },
    w('virtqueue_add_split', avail + 2, '0100', '0200'),
    { kind: 'barrier', fn: 'virtqueue_kick_prepare_split', barrier: 'virtio_mb' },
  ];

  it('moves avail.idx ahead of the chain, drops the barrier and notes each moved store', () => {
    const r = dropVirtioWmb(items, { avail, size: 8 }, 3, 1)!;
    expect(r).not.toBeNull();
    expect(r.items.map((it) => (it.kind === 'write' ? it.addr : it.kind))).toEqual([
      0x900,
      avail + 2,
      0x30,
      0x30,
      avail + 6,
      'barrier',
    ]);
    expect(r.items.some((it) => it.kind === 'barrier' && it.barrier === 'virtio_wmb')).toBe(false);
    expect({ from: r.from, to: r.to, availIdx: r.availIdx, slot: r.slot, stale: r.stale }).toEqual({
      from: 2,
      to: 4,
      availIdx: 1,
      slot: 1,
      stale: 0,
    });
    const faults = r.items.map((it) => (it.kind === 'write' && it.fault ? renderMessage(it.fault) : ''));
    expect(faults[0]).toBe('');
    expect(faults[1]).toMatch(/^fault: virtio_wmb missing/);
    expect(faults.slice(2, 5).every((f) => f.startsWith('fault: no virtio_wmb'))).toBe(true);
  });

  it('finds nothing to reorder in an operation without that add', () => {
    expect(dropVirtioWmb(items, { avail, size: 8 }, 5, 1)).toBeNull();
    expect(dropVirtioWmb(items.slice(0, 4), { avail, size: 8 }, 3, 1)).toBeNull();
    expect(
      dropVirtioWmb(
        items.filter((it) => it.kind !== 'barrier' || it.barrier !== 'virtio_wmb'),
        { avail, size: 8 },
        3,
        1,
      ),
    ).toBeNull();
  });
});
