import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC } from '../constants';
import { withFeatures } from '../features';
import { freeListOf } from './freeList';
import { makeRig, sgs, type PoppedChain } from './testRig';

type Op =
  | { op: 'add'; out: number; in_: number }
  | { op: 'pop' }
  | { op: 'complete'; pick: number; len: number }
  | { op: 'get' }
  | { op: 'kick' }
  | { op: 'cb'; delayed: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), out: fc.nat(3), in_: fc.nat(3) }),
  fc.record({ op: fc.constant('pop' as const) }),
  fc.record({ op: fc.constant('complete' as const), pick: fc.nat(), len: fc.nat(4096) }),
  fc.record({ op: fc.constant('get' as const) }),
  fc.record({ op: fc.constant('kick' as const) }),
  fc.record({ op: fc.constant('cb' as const), delayed: fc.boolean() }),
);

describe('VringVirtqueue under any sequence of driver and (well-behaved, out-of-order) device steps', () => {
  it('never loses or duplicates a descriptor or a token', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(0n, withFeatures(VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX)),
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(opArb, { maxLength: 120 }),
        (size, features, startIdx, ops) => {
          const { vq, dev, map, tracer } = makeRig({ size, features, startIdx });
          let serial = 0;
          const inFlight = new Map<string, number>(); // token -> descriptors it holds in the ring
          const popped: PoppedChain[] = [];
          const completedLen = new Map<number, number>(); // head -> len the device reported
          const returned = new Set<string>();

          for (const o of ops) {
            if (o.op === 'add') {
              const token = `t${serial++}`;
              const total = o.out + o.in_;
              const r = vq.virtqueue_add_sgs(sgs(o.out), sgs(o.in_, 0xa000), token);
              if (total === 0) {
                expect(r).toMatchObject({ ok: false, errno: 'EINVAL' });
              } else if (r.ok) {
                const used = vq.desc_state[r.head]!.indir_desc === null ? total : 1;
                inFlight.set(token, used);
              } else {
                expect(r.errno).toBe('ENOSPC');
              }
            } else if (o.op === 'pop') {
              const c = dev.pop();
              if (c) popped.push(c);
            } else if (o.op === 'complete' && popped.length > 0) {
              const [c] = popped.splice(o.pick % popped.length, 1);
              dev.push(c!.head, o.len);
              completedLen.set(c!.head, o.len);
            } else if (o.op === 'get') {
              const before = vq.state.last_used_idx;
              const r = vq.virtqueue_get_buf();
              if (r) {
                expect(returned.has(r.data)).toBe(false);
                returned.add(r.data);
                expect(inFlight.delete(r.data)).toBe(true);
                expect(vq.state.last_used_idx).toBe((before + 1) & 0xffff);
              }
            } else if (o.op === 'kick') {
              vq.virtqueue_kick();
            } else if (o.op === 'cb') {
              vq.virtqueue_disable_cb();
              if (o.delayed) vq.virtqueue_enable_cb_delayed();
              else vq.virtqueue_enable_cb();
            }

            // Invariants after every step.
            const held = [...inFlight.values()].reduce((a, b) => a + b, 0);
            expect(vq.state.num_free + held).toBe(size);
            const free = freeListOf(vq);
            expect(new Set(free).size).toBe(vq.state.num_free);
            for (const i of free) expect(vq.desc_state[i]!.data).toBeNull();
            const heads = vq.desc_state.filter((s) => s.data !== null).length;
            expect(heads).toBe(inFlight.size);
            const tables = map.all().filter((r) => r.kind === 'indirect-table').length;
            expect(tables).toBe(vq.desc_state.filter((s) => s.indir_desc !== null).length);
          }
          expect(tracer.unbalanced()).toEqual([]);
          expect(vq.lastError).toBeNull();
          expect(vq.virtqueue_is_broken()).toBe(false);

          // Shut down: everything still in flight comes back exactly once.
          for (let t = vq.virtqueue_detach_unused_buf(); t !== null; t = vq.virtqueue_detach_unused_buf()) {
            expect(inFlight.delete(t)).toBe(true);
          }
          expect(inFlight.size).toBe(0);
          expect(vq.state.num_free).toBe(size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
