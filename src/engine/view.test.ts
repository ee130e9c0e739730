import { describe as suite, expect, it } from 'vitest';
import { freeListOf } from '../virtio/driver/freeList';
import { Machine } from './machine/machine';
import { builtinScenario } from './scenario/builtin';
import type { StepRecord } from './step';
import { describe, type MachineView, type QueueView, type RequestStage } from './view';

const machine = (name: string, seed = 1) => new Machine({ scenario: builtinScenario(name)!, seed });

/** Steps the machine to its end, calling `at` with the view after every step. */
const eachStep = (m: Machine, at: (view: MachineView, r: StepRecord) => void): void => {
  for (let r = m.step(); r !== null; r = m.step()) at(describe(m), r);
};

// The split ring's layout decoded straight from the bytes (virtio 1.x §2.7), independently of SplitRing.
const raw = (m: Machine) => new DataView(m.mem.buffer);
const rawDesc = (m: Machine, table: number, i: number) => {
  const d = raw(m);
  const at = table + 16 * i;
  return {
    addr: d.getBigUint64(at, true),
    len: d.getUint32(at + 8, true),
    flags: d.getUint16(at + 12, true),
    next: d.getUint16(at + 14, true),
  };
};
const rawRings = (m: Machine, q: QueueView) => {
  const d = raw(m);
  const { avail, used } = q.addrs;
  const n = q.size;
  return {
    avail: {
      flags: d.getUint16(avail, true),
      idx: d.getUint16(avail + 2, true),
      ring: Array.from({ length: n }, (_, k) => d.getUint16(avail + 4 + 2 * k, true)),
      used_event: d.getUint16(avail + 4 + 2 * n, true),
    },
    used: {
      flags: d.getUint16(used, true),
      idx: d.getUint16(used + 2, true),
      ring: Array.from({ length: n }, (_, k) => ({
        id: d.getUint32(used + 4 + 8 * k, true),
        len: d.getUint32(used + 8 + 8 * k, true),
      })),
      avail_event: d.getUint16(used + 4 + 8 * n, true),
    },
  };
};

suite('describe(machine)', () => {
  it('decodes the rings and descriptor table exactly as they are in memory, at every step', () => {
    for (const name of ['single-read', 'out-of-order', 'two-queues-two-iothreads', 'index-wrap']) {
      const m = machine(name);
      let checked = 0;
      eachStep(m, (view) => {
        expect(view.step).toBe(m.stepCount);
        for (const q of view.queues) {
          const ring = m.driver.vqs[q.index]!.ring;
          const bytes = rawRings(m, q);
          expect(q.avail).toEqual(bytes.avail);
          expect(q.used).toEqual(bytes.used);
          // The same values through SplitRing, the accessor the driver and device use.
          expect(q.avail.idx).toBe(ring.availIdx());
          expect(q.used.idx).toBe(ring.usedIdx());
          expect(q.avail.used_event).toBe(ring.usedEvent());
          expect(q.used.avail_event).toBe(ring.availEvent());
          q.desc.forEach((d, i) => {
            expect(d.index).toBe(i);
            expect({ addr: d.addr, len: d.len, flags: d.flags, next: d.next }).toEqual(rawDesc(m, q.addrs.desc, i));
            expect({ addr: d.addr, len: d.len, flags: d.flags, next: d.next }).toEqual(ring.readDesc(i));
          });
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(30);
    }
  });

  it("marks exactly the driver's free list as free, and every other descriptor as part of an in-flight chain", () => {
    for (const name of ['ring-full', 'out-of-order']) {
      const m = machine(name);
      eachStep(m, (view) => {
        for (const q of view.queues) {
          const vq = m.driver.vqs[q.index]!;
          const free = q.desc.filter((d) => d.free).map((d) => d.index);
          // The free list shown is the driver's as of the steps played (mid-operation the live one is ahead).
          expect(free.sort((a, b) => a - b)).toEqual([...q.driver.free_list].sort((a, b) => a - b));
          expect(free).toHaveLength(q.driver.num_free);
          if (q.driver.num_free > 0) expect(q.driver.free_list[0]).toBe(q.driver.free_head);
          if (m.midOperation === null) {
            expect(q.driver.free_list).toEqual(freeListOf(vq));
            // Between operations every descriptor is on the free list or in exactly one chain.
            const inChains = q.chains.flatMap((c) => c.descs);
            expect(new Set(inChains).size).toBe(inChains.length);
            expect([...free, ...inChains].sort((a, b) => a - b)).toEqual(q.desc.map((d) => d.index));
          }
        }
      });
    }
  });

  it('links each chain to its request, and the chain leads through that request’s buffers', () => {
    const m = machine('ring-full');
    let chains = 0;
    eachStep(m, (view) => {
      if (m.midOperation !== null) return;
      for (const q of view.queues) {
        for (const chain of q.chains) {
          chains++;
          const shown = view.requests.find((r) => r.id === chain.request);
          expect(shown, `request ${chain.request}`).toBeDefined();
          expect(shown!.head).toBe(chain.head);
          expect(shown!.queue).toBe(q.index);
          for (const i of chain.descs) {
            expect(q.desc[i]!.head).toBe(chain.head);
            expect(q.desc[i]!.request).toBe(chain.request);
            expect(q.desc[i]!.free).toBe(false);
          }
          // Header first, data, then the status byte the device writes: the request's own buffers.
          const req = m.driver.requests.get(chain.request!)!;
          const descs = chain.descs.map((i) => q.desc[i]!);
          expect(chain.descs[0]).toBe(chain.head);
          expect(Number(descs[0]!.addr)).toBe(req.out_hdr!.start);
          expect(descs[0]!.len).toBe(16);
          expect(Number(descs[descs.length - 1]!.addr)).toBe(req.status!.start);
          expect(descs[descs.length - 1]!.len).toBe(1);
          expect(descs.map((d) => Number(d.addr))).toEqual([...req.out, ...req.in_].map((s) => s.addr));
        }
      }
    });
    expect(chains).toBeGreaterThan(20);
  });

  it('decodes indirect tables for the indirect scenario', () => {
    const m = machine('indirect');
    let tables = 0;
    eachStep(m, (view) => {
      if (m.midOperation !== null) return;
      const q = view.queues[0]!;
      expect(q.indirect).toBe(true);
      for (const chain of q.chains) {
        tables++;
        // One ring descriptor per request, pointing at a table of header, data and status.
        expect(chain.descs).toEqual([chain.head]);
        const head = q.desc[chain.head]!;
        expect(head.flags & 4).toBe(4); // VRING_DESC_F_INDIRECT
        expect(head.len).toBe(3 * 16);
        const ind = chain.indirect!;
        expect(ind).not.toBeNull();
        expect(ind.via).toBe(chain.head);
        expect(ind.addr).toBe(Number(head.addr));
        expect(ind.readable).toBe(true);
        expect(ind.entries).toEqual([0, 1, 2].map((k) => rawDesc(m, ind.addr, k)));
        const req = m.driver.requests.get(chain.request!)!;
        expect(ind.entries.map((e) => Number(e.addr))).toEqual([...req.out, ...req.in_].map((s) => s.addr));
        expect(ind.entries.map((e) => e.len)).toEqual([16, 4096, 1]);
        const write = req.op === 'write';
        // NEXT on all but the last; the data is device-writable only for a read; the status always.
        expect(ind.entries.map((e) => e.flags)).toEqual([1, write ? 1 : 3, 2]);
        expect(ind.entries.map((e) => e.next).slice(0, 2)).toEqual([1, 2]);
      }
    });
    expect(tables).toBeGreaterThan(8);
  });

  it('moves a request through every stage during single-read, each at the step that shows it', () => {
    const m = machine('single-read');
    const stages: RequestStage[] = [];
    const at: Partial<Record<RequestStage, StepRecord>> = {};
    eachStep(m, (view, r) => {
      const req = view.requests.find((x) => x.id === 0);
      if (!req) return;
      if (stages[stages.length - 1] !== req.stage) {
        stages.push(req.stage);
        at[req.stage] = r;
      }
    });
    expect(stages).toEqual(['queued', 'in avail', 'popped', 'in I/O', 'in used', 'completed']);
    expect(at['in avail']!.explain).toContain('avail.idx = 1');
    expect(at.popped!.events).toContainEqual({ type: 'popped', request: 0, head: 0, queue: 0 });
    expect(at.popped!.fn).toBe('virtqueue_pop');
    expect(at['in I/O']!.events).toContainEqual({ type: 'io-submitted', request: 0, queue: 0 });
    expect(at['in used']!.explain).toContain('used.idx = 1');
    expect(at.completed!.events.map((e) => e.type)).toContain('completed');
  });

  it('shows the status and latency only once the device has given the request back', () => {
    const m = machine('single-read');
    eachStep(m, (view) => {
      const req = view.requests.find((x) => x.id === 0)!;
      if (req.stage === 'in used' || req.stage === 'completed') {
        expect(req.status).toBe(0);
        expect(req.latency).toBeGreaterThanOrEqual(0);
      } else {
        expect(req.status).toBeNull();
        expect(req.latency).toBeNull();
      }
    });
  });

  it('moves every request one stage at a time, never backwards, from queued to completed', () => {
    const order: RequestStage[] = ['queued', 'in avail', 'popped', 'in I/O', 'in used', 'completed'];
    for (const name of ['ring-full', 'out-of-order', 'two-queues-one-iothread', 'index-wrap']) {
      const m = machine(name, 3);
      const last = new Map<number, number>();
      eachStep(m, (view) => {
        for (const r of view.requests) {
          const rank = order.indexOf(r.stage);
          const before = last.get(r.id) ?? 0;
          expect(rank - before, `${name}: request ${r.id} went from ${order[before]} to ${r.stage}`).toBeOneOf([0, 1]);
          last.set(r.id, rank);
        }
      });
      const view = describe(m);
      expect(view.requests.every((r) => r.stage === 'completed')).toBe(true);
      expect(last.size).toBe(m.counters.requests);
      expect([...last.values()].every((rank) => rank === order.length - 1)).toBe(true);
    }
  });

  it('shows the same requests on a machine restored from a snapshot, mid-operation too', () => {
    const m = machine('out-of-order', 4);
    const copy = machine('out-of-order', 4);
    let midOperation = 0;
    eachStep(m, (view) => {
      if (m.midOperation !== null) midOperation++;
      copy.restore(m.snapshot());
      expect(describe(copy).requests).toEqual(view.requests);
    });
    expect(midOperation).toBeGreaterThan(10);
  });

  it('reports the status, counters, actors and regions', () => {
    const m = machine('bad-guest-looped-chain');
    eachStep(m, () => {});
    const view = describe(m);
    expect(view.ended).toBe('device-error');
    expect(view.deviceStatus & 64).toBe(64);
    expect(view.deviceStatusNames).toContain('DEVICE_NEEDS_RESET');
    expect(view.errors.map((e) => e.kind)).toContain('looped-descriptor');
    expect(view.counters).toEqual(m.counters);
    expect(view.actors.map((a) => a.id)).toEqual(['vcpu0', 'irq', 'iothread0']);
    expect(view.memorySize).toBe(m.mem.size);
    expect(view.regions.map((r) => r.kind)).toEqual(expect.arrayContaining(['desc-table', 'avail-ring', 'used-ring']));
  });
});
