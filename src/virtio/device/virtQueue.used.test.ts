import { describe, expect, it } from 'vitest';
import { descIndex } from '../types';
import type { VirtQueueElement } from './virtQueueElement';
import { iovSize } from './virtQueueElement';
import { BUF, USED, errorOf, makeRig, recordingTracer, valueOf, type RigOptions } from './virtQueue.testRig';

/** A rig with `n` one-descriptor chains (head k: 16 readable bytes then `k + 1` writable bytes) published. */
function withPending(n: number, o: RigOptions = {}) {
  const r = makeRig(o);
  for (let k = 0; k < n; k++) {
    r.driver.writeChain(
      [2 * k, 2 * k + 1],
      [
        { addr: BUF, len: 16 },
        { addr: BUF + 0x100, len: k + 1, write: true },
      ],
    );
  }
  r.driver.publish(...Array.from({ length: n }, (_, k) => 2 * k));
  const pop = (): VirtQueueElement => {
    const elem = valueOf(r.vq.virtqueue_pop());
    if (!elem) throw new Error('expected an element');
    return elem;
  };
  return { ...r, pop };
}

const usedBytes = (r: ReturnType<typeof makeRig>, slot: number) => ({
  id: r.mem.read32(USED + 4 + 8 * slot),
  len: r.mem.read32(USED + 8 + 8 * slot),
});

describe('VirtQueue: fill / flush / push', () => {
  it('push writes {id: head, len} at used.ring[used_idx % N], then used.idx, and frees the element', () => {
    const r = withPending(1, { size: 8 });
    const elem = r.pop();
    expect(iovSize(elem.in_sg)).toBe(1);
    valueOf(r.vq.virtqueue_push(elem, iovSize(elem.in_sg)));
    expect(usedBytes(r, 0)).toEqual({ id: 0, len: 1 });
    expect(r.mem.load16(USED + 2)).toBe(1);
    expect(r.vq.state).toMatchObject({ used_idx: 1, inuse: 0 });
  });

  it('a batch: fill at offsets 0..2 writes nothing visible until one flush(3) publishes all three', () => {
    const r = withPending(3, { size: 8 });
    const elems = [r.pop(), r.pop(), r.pop()];
    // Complete out of order: the used ring lists heads in completion order, not avail order.
    const order = [elems[2], elems[0], elems[1]] as VirtQueueElement[];
    order.forEach((e, idx) => valueOf(r.vq.virtqueue_fill(e, iovSize(e.in_sg), idx)));
    expect(r.ring.usedIdx()).toBe(0);
    valueOf(r.vq.virtqueue_flush(3));
    expect(r.ring.usedIdx()).toBe(3);
    expect([0, 1, 2].map((s) => usedBytes(r, s))).toEqual([
      { id: 4, len: 3 },
      { id: 0, len: 1 },
      { id: 2, len: 2 },
    ]);
    expect(r.vq.state.inuse).toBe(0);
  });

  it('flush stores used.idx only after smp_wmb, and after the used element', () => {
    const tracer = recordingTracer();
    const r = withPending(1, { tracer });
    const elem = r.pop();
    tracer.events.length = 0;
    r.mem.observer = (w) => tracer.events.push(`w@${w.addr - USED}`);
    valueOf(r.vq.virtqueue_push(elem, 1));
    expect(tracer.events).toEqual([
      '>virtqueue_push',
      '>virtqueue_fill',
      '>virtqueue_split_fill',
      'w@4', // used.ring[0].id
      'w@8', // used.ring[0].len
      '<virtqueue_split_fill',
      '<virtqueue_fill',
      '>virtqueue_flush',
      '>virtqueue_split_flush',
      '!smp_wmb',
      'w@2', // used.idx
      '<virtqueue_split_flush',
      '<virtqueue_flush',
      '<virtqueue_push',
    ]);
  });

  it('used.len is whatever the device reports (here: all writable bytes, as QEMU virtio-blk does)', () => {
    const r = withPending(2);
    const a = r.pop();
    const b = r.pop();
    valueOf(r.vq.virtqueue_push(b, 0));
    valueOf(r.vq.virtqueue_push(a, 0xffffffff));
    expect([usedBytes(r, 0), usedBytes(r, 1)]).toEqual([
      { id: 2, len: 0 },
      { id: 0, len: 0xffffffff },
    ]);
  });

  it('flush(0) publishes nothing new', () => {
    const r = withPending(1);
    r.pop();
    valueOf(r.vq.virtqueue_flush(0));
    expect(r.ring.usedIdx()).toBe(0);
    expect(r.vq.state.inuse).toBe(1);
  });

  describe('invalidates signalled_used_valid like QEMU: (int16_t)(new - signalled_used) < (uint16_t)(new - old)', () => {
    const at = (usedIdx: number) => {
      const r = withPending(1, { startIdx: usedIdx });
      const elem = r.pop();
      Object.assign(r.vq.state, { signalled_used: 5, signalled_used_valid: true });
      valueOf(r.vq.virtqueue_push(elem, 1));
      return r.vq.state.signalled_used_valid;
    };
    it('stays valid while used_idx is less than 2^15 past signalled_used', () => {
      expect(at(5 + 32766)).toBe(true);
    });
    it('becomes invalid when the flush carries it 2^15 or more past', () => {
      expect(at(5 + 32767)).toBe(false);
    });
    it('becomes invalid when signalled_used lies ahead of the flushed batch (e.g. after a rewind)', () => {
      const r = withPending(1);
      const elem = r.pop();
      Object.assign(r.vq.state, { signalled_used: 0, signalled_used_valid: true });
      valueOf(r.vq.virtqueue_push(elem, 1));
      expect(r.vq.state.signalled_used_valid).toBe(true);
      const r2 = withPending(1);
      const elem2 = r2.pop();
      Object.assign(r2.vq.state, { signalled_used: 1, signalled_used_valid: true });
      valueOf(r2.vq.virtqueue_push(elem2, 1));
      expect(r2.vq.state.signalled_used_valid).toBe(false);
    });
  });

  describe('the device misusing the used ring: "used-push-invalid" (QEMU does not check)', () => {
    const fake = (index: number): VirtQueueElement => ({
      index: descIndex(index),
      ndescs: 1,
      out_sg: [],
      in_sg: [],
      indirect: false,
      descs: [],
    });

    it.each([
      ['a head outside the ring', 8, 1, 0, 'head 8 is not in the ring (size 8)'],
      ['a negative length', 0, -1, 0, 'used length -1 is not a u32'],
      ['a length of 2^32', 0, 2 ** 32, 0, 'used length 4294967296 is not a u32'],
      ['a fractional length', 0, 1.5, 0, 'used length 1.5 is not a u32'],
      ['an offset past the elements in use', 0, 1, 1, 'fill at offset 1 with 1 element(s) in use'],
      ['a negative offset', 0, 1, -1, 'fill at offset -1 with 1 element(s) in use'],
    ])('fill with %s', (_name, head, len, idx, message) => {
      const r = withPending(1, { size: 8 });
      r.pop();
      const e = errorOf(r.vq.virtqueue_fill(fake(head), len, idx), 'used-push-invalid');
      expect(e).toMatchObject({ message, spec: '2.7.8', where: 'virtqueue_split_fill', qemuChecks: false });
      expect(usedBytes(r, 0)).toEqual({ id: 0, len: 0 });
    });

    it('push of an element that was never popped', () => {
      const r = withPending(1);
      const e = errorOf(r.vq.virtqueue_push(fake(0), 1), 'used-push-invalid');
      expect(e.message).toBe('fill at offset 0 with 0 element(s) in use');
    });

    it.each([
      [2, 'flush of 2 element(s) with 1 in use'],
      [-1, 'flush of -1 element(s) with 1 in use'],
      [0.5, 'flush of 0.5 element(s) with 1 in use'],
    ])('flush(%s)', (count, message) => {
      const r = withPending(1);
      r.pop();
      const e = errorOf(r.vq.virtqueue_flush(count), 'used-push-invalid');
      expect(e).toMatchObject({ message, where: 'virtqueue_split_flush' });
      expect(r.ring.usedIdx()).toBe(0);
    });
  });
});

describe('VirtQueue: unpop, rewind, detach, snapshot', () => {
  it('unpop makes the next pop return the same element', () => {
    const r = withPending(2);
    r.pop();
    const second = r.pop();
    r.vq.virtqueue_unpop(second);
    expect(r.vq.state).toMatchObject({ last_avail_idx: 1, inuse: 1 });
    expect(r.pop().index).toBe(second.index);
  });

  it('rewind gives back the most recent elements, and refuses more than are in use', () => {
    const r = withPending(3);
    r.pop();
    r.pop();
    expect(r.vq.virtqueue_rewind(3)).toBe(false);
    expect(r.vq.virtqueue_rewind(2)).toBe(true);
    expect(r.vq.state).toMatchObject({ last_avail_idx: 0, inuse: 0 });
    expect(r.pop().index).toBe(0);
  });

  it('rewind wraps last_avail_idx below 0', () => {
    const r = withPending(1, { startIdx: 65535 });
    r.pop();
    expect(r.vq.state.last_avail_idx).toBe(0);
    r.vq.virtqueue_rewind(1);
    expect(r.vq.state.last_avail_idx).toBe(65535);
  });

  it('detach forgets an element without touching the used ring', () => {
    const r = withPending(1);
    const elem = r.pop();
    r.vq.virtqueue_detach_element(elem);
    r.vq.virtqueue_detach_element(elem);
    expect(r.vq.state.inuse).toBe(0);
    expect(r.ring.usedIdx()).toBe(0);
  });

  it('restore(snapshot()) rolls the device state back; the snapshot is a copy', () => {
    const r = withPending(2);
    r.pop();
    const saved = r.vq.snapshot();
    const second = r.pop();
    expect(saved.last_avail_idx).toBe(1);
    expect(saved.vring).not.toBe(r.vq.state.vring);
    r.vq.restore(saved);
    expect(r.vq.state).toEqual(saved);
    expect(r.pop().index).toBe(second.index);
  });
});
