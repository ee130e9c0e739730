import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_EVENT_IDX, VRING_DESC_F_NEXT } from '../constants';
import { withFeatures } from '../features';
import { GuestMemoryError, type VirtioError } from '../errors';
import type { Result } from '../types';
import { GuestMemory } from '../guestMemory';
import { VirtQueue } from './virtQueue';
import { BUF, MEM_SIZE, errorOf, makeRig, valueOf } from './virtQueue.testRig';

describe('VirtQueue.virtqueue_pop: errors on the avail ring', () => {
  it('avail.idx more than N ahead: "Guest moved used index from %u to %u"', () => {
    const { vq, ring } = makeRig({ size: 8, startIdx: 100 });
    ring.setAvailIdx(109);
    const e = errorOf(vq.virtqueue_pop(), 'avail-idx-jump');
    expect(e).toMatchObject({
      message: 'Guest moved used index from 100 to 109',
      spec: '2.7.6.1',
      where: 'virtqueue_num_heads',
      side: 'device',
      qemuChecks: true,
    });
    expect(vq.state).toMatchObject({ last_avail_idx: 100, shadow_avail_idx: 109, inuse: 0, broken: true });
  });

  it('avail.idx moved backwards reads as a huge jump', () => {
    const { vq, ring } = makeRig({ size: 8, startIdx: 3 });
    ring.setAvailIdx(2);
    expect(errorOf(vq.virtqueue_pop(), 'avail-idx-jump').message).toBe('Guest moved used index from 3 to 2');
  });

  it('exactly N ahead is fine; the check wraps at 65536', () => {
    const { vq, driver } = makeRig({ size: 8, startIdx: 65533 });
    for (let k = 0; k < 8; k++) driver.writeChain([k], [{ addr: BUF, len: 1 }]);
    driver.publish(0, 1, 2, 3, 4, 5, 6, 7);
    expect(valueOf(vq.virtqueue_pop())?.index).toBe(0);
  });

  it('a jumped index read by set_notification(EVENT_IDX) is caught by the next pop', () => {
    const { vq, ring } = makeRig({ size: 8, features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    ring.setAvailIdx(500);
    valueOf(vq.virtio_queue_set_notification(true));
    expect(vq.state.shadow_avail_idx).toBe(500);
    expect(errorOf(vq.virtqueue_pop(), 'avail-idx-jump').message).toBe('Guest moved used index from 0 to 500');
  });

  it('a head >= N: "Guest says index %u is available", after last_avail_idx++ as in QEMU', () => {
    const { vq, driver, ring } = makeRig({ size: 8, features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    ring.setAvailEvent(0x7777);
    driver.publish(8);
    const e = errorOf(vq.virtqueue_pop(), 'head-out-of-range');
    expect(e).toMatchObject({ message: 'Guest says index 8 is available', spec: '2.7.6', where: 'virtqueue_get_head' });
    expect(vq.state).toMatchObject({ last_avail_idx: 1, inuse: 0 });
    expect(ring.availEvent()).toBe(0x7777);
  });

  it('inuse >= N: "Virtqueue size exceeded" (the driver re-offered heads the device still holds)', () => {
    const { vq, driver } = makeRig({ size: 2 });
    driver.writeChain([0], [{ addr: BUF, len: 1 }]);
    driver.publish(0, 0);
    valueOf(vq.virtqueue_pop());
    valueOf(vq.virtqueue_pop());
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'queue-size-exceeded');
    expect(e).toMatchObject({ message: 'Virtqueue size exceeded', spec: '2.7', where: 'virtqueue_split_pop' });
    expect(vq.state.last_avail_idx).toBe(2);
  });
});

describe('VirtQueue.virtqueue_pop: errors in a chain', () => {
  it('next >= N: "Desc next is %u"', () => {
    const { vq, ring, driver } = makeRig({ size: 8 });
    ring.writeDesc(0, { addr: BigInt(BUF), len: 4, flags: VRING_DESC_F_NEXT, next: 8 });
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'desc-next-out-of-range');
    expect(e).toMatchObject({ message: 'Desc next is 8', spec: '2.7.5', where: 'virtqueue_split_read_next_desc' });
    expect(vq.state).toMatchObject({ last_avail_idx: 1, inuse: 0, broken: true });
  });

  it.each([
    ['a self-loop', [[0, 0]]],
    [
      'a 3-cycle',
      [
        [0, 1],
        [1, 2],
        [2, 0],
      ],
    ],
  ])('%s: "Looped descriptor" once more than N descriptors were mapped', (_name, links) => {
    const { vq, ring, driver } = makeRig({ size: 8 });
    for (const [i, next] of links as number[][]) {
      ring.writeDesc(i ?? 0, { addr: BigInt(BUF), len: 4, flags: VRING_DESC_F_NEXT, next: next ?? 0 });
    }
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'looped-descriptor');
    expect(e).toMatchObject({ message: 'Looped descriptor', spec: '2.7.5.2', where: 'virtqueue_split_pop' });
    expect(e.detail).toMatchObject({ entries: 9, max: 8 });
  });

  it('in a 1024 ring a loop hits the 1024-iovec limit first, as in QEMU', () => {
    const { vq, ring, driver } = makeRig({ size: 1024, memSize: 0x20000 });
    ring.writeDesc(0, { addr: BigInt(BUF), len: 4, flags: VRING_DESC_F_NEXT, next: 0 });
    driver.publish(0);
    expect(errorOf(vq.virtqueue_pop(), 'too-many-segments').message).toBe(
      'virtio: too many write descriptors in indirect table',
    );
  });

  it('len 0: "virtio: zero sized buffers are not allowed"', () => {
    const { vq, driver } = makeRig();
    driver.writeChain(
      [0, 1],
      [
        { addr: BUF, len: 16 },
        { addr: BUF, len: 0, write: true },
      ],
    );
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'zero-sized-buffer');
    expect(e).toMatchObject({ message: 'virtio: zero sized buffers are not allowed', where: 'virtqueue_map_desc' });
    expect(e.detail).toMatchObject({ desc: 1 });
  });

  it('readable after writable: "Incorrect order for descriptors"', () => {
    const { vq, driver } = makeRig();
    driver.writeChain(
      [0, 1, 2],
      [
        { addr: BUF, len: 16 },
        { addr: BUF, len: 1, write: true },
        { addr: BUF, len: 16 },
      ],
    );
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'incorrect-order');
    expect(e).toMatchObject({
      message: 'Incorrect order for descriptors',
      spec: '2.7.4.2',
      where: 'virtqueue_split_pop',
    });
    expect(e.detail).toMatchObject({ desc: 2 });
  });

  it.each([
    ['wholly outside guest memory', BigInt(MEM_SIZE), 1],
    ['straddling its end', BigInt(MEM_SIZE - 4), 8],
    ['at 2^64 - 1', 0xffff_ffff_ffff_ffffn, 1],
    ['past 2^53', 2n ** 53n, 1],
  ])('a buffer %s: "virtio: bogus descriptor or out of resources"', (_name, addr, len) => {
    const { vq, driver } = makeRig();
    driver.writeChain([0], [{ addr, len }]);
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'bogus-descriptor');
    expect(e).toMatchObject({
      message: 'virtio: bogus descriptor or out of resources',
      spec: '2.7.5',
      where: 'virtqueue_map_desc',
    });
    expect(e.detail).toMatchObject({ desc: 0, addr, len });
  });

  it.each([
    ['readable', false],
    ['writable', true],
  ])('more %s segments than maxIovecs: "virtio: too many write descriptors in indirect table"', (_n, write) => {
    const { vq, driver } = makeRig({ size: 8, maxIovecs: 3 });
    driver.writeChain(
      [0, 1, 2, 3],
      [0, 1, 2, 3].map((k) => ({ addr: BUF + k, len: 1, write: write && k > 0 })),
    );
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'too-many-segments');
    expect(e).toMatchObject({ spec: '2.7.4.1', where: 'virtqueue_map_desc', detail: { desc: 3, max: 3 } });
  });

  it('exactly maxIovecs segments are fine', () => {
    const { vq, driver } = makeRig({ size: 8, maxIovecs: 3 });
    driver.writeChain(
      [0, 1, 2],
      [0, 1, 2].map((k) => ({ addr: BUF + k, len: 1, write: k === 2 })),
    );
    driver.publish(0);
    expect(valueOf(vq.virtqueue_pop())?.in_sg).toHaveLength(1);
  });

  describe('a chain of more than 2^32 bytes (spec §2.7.5.2; QEMU does not check)', () => {
    const big = 0x100_0000; // 16 MiB: 256 of them are exactly 2^32 bytes
    const rig = (count: number, specChecks = true) => {
      const r = makeRig({ size: 512, memSize: 0x200_0000, specChecks });
      const idx = Array.from({ length: count }, (_, k) => k);
      r.driver.writeChain(
        idx,
        idx.map(() => ({ addr: big, len: big })),
      );
      r.driver.publish(0);
      return r;
    };
    it('2^32 bytes exactly are allowed', () => {
      expect(valueOf(rig(256).vq.virtqueue_pop())?.out_sg).toHaveLength(256);
    });
    it('one 16 MiB buffer more is "chain-too-many-bytes"', () => {
      const e = errorOf(rig(257).vq.virtqueue_pop(), 'chain-too-many-bytes');
      expect(e).toMatchObject({ qemuChecks: false, spec: '2.7.5.2', where: 'virtqueue_split_pop' });
      expect(e.message).toBe(`descriptor chain covers ${257 * big} bytes, more than 2^32`);
    });
    it('specChecks: false lets it through, as QEMU does', () => {
      expect(valueOf(rig(257, false).vq.virtqueue_pop())?.out_sg).toHaveLength(257);
    });
  });
});

describe('VirtQueue: ring regions (QEMU virtio_init_region_cache)', () => {
  const mem = GuestMemory.create(0x4000, false);
  const make = (addrs: { size: number; desc: number; avail: number; used: number }, eventIdx = false) =>
    new VirtQueue({ mem, addrs, features: eventIdx ? withFeatures(VIRTIO_RING_F_EVENT_IDX) : 0n, queueIndex: 0 });

  it.each([
    ['desc', { size: 8, desc: 0x3f90, avail: 0, used: 0x100 }],
    ['used', { size: 8, desc: 0, avail: 0x200, used: 0x3fd0 }],
    ['avail', { size: 8, desc: 0, avail: 0x3ff0, used: 0x200 }],
  ])('%s outside memory: "Cannot map %s" from every call, and create() returns it', (part, addrs) => {
    const vq = make(addrs);
    const expected = { kind: 'memory-out-of-bounds', message: `Cannot map ${part}`, where: 'virtio_init_region_cache' };
    expect(vq.initError).toMatchObject(expected);
    expect(vq.state.broken).toBe(true);
    const results: Result<unknown, VirtioError>[] = [
      vq.virtqueue_pop(),
      vq.virtio_queue_empty(),
      vq.virtio_should_notify(),
      vq.virtio_queue_set_notification(true),
      vq.virtqueue_flush(0),
    ];
    for (const r of results) expect(errorOf(r)).toMatchObject(expected);
    expect(errorOf(VirtQueue.create({ mem, addrs, features: 0n, queueIndex: 0 }))).toMatchObject(expected);
  });

  it('the event fields count only with EVENT_IDX: rings may end 2 bytes earlier without it', () => {
    // avail: 4 + 2*8 = 20 bytes (+2 with EVENT_IDX); used: 4 + 8*8 = 68 (+2).
    const tight = { size: 8, desc: 0, avail: 0x4000 - 20, used: 0x1000 };
    expect(make(tight).initError).toBeNull();
    expect(make(tight, true).initError?.message).toBe('Cannot map avail');
    const tightUsed = { size: 8, desc: 0, avail: 0x1000, used: 0x4000 - 68 };
    expect(make(tightUsed).initError).toBeNull();
    expect(make(tightUsed, true).initError?.message).toBe('Cannot map used');
  });

  it.each([0, 3, 65536])('queue size %i is refused', (size) => {
    expect(make({ size, desc: 0, avail: 0x1000, used: 0x2000 }).initError?.kind).toBe('invalid-queue-size');
  });

  it('create() returns the queue when the rings fit; startIdx is written to used.idx', () => {
    const r = VirtQueue.create({
      mem,
      addrs: { size: 4, desc: 0, avail: 0x100, used: 0x200 },
      features: 0n,
      queueIndex: 3,
      startIdx: 7,
    });
    const vq = valueOf(r);
    expect(vq.state.queue_index).toBe(3);
    expect(vq.ring.usedIdx()).toBe(7);
  });

  it('a bad maxIovecs is a programming error', () => {
    expect(
      () =>
        new VirtQueue({
          mem,
          addrs: { size: 4, desc: 0, avail: 0x100, used: 0x200 },
          features: 0n,
          queueIndex: 0,
          maxIovecs: 0,
        }),
    ).toThrow(RangeError);
  });
});

describe('VirtQueue: after an error (QEMU marks the device broken)', () => {
  it('pop returns null, empty is true, fill writes nothing, flush only counts down inuse', () => {
    const { vq, driver, ring } = makeRig();
    driver.writeChain([0], [{ addr: BUF, len: 1, write: true }]);
    driver.publish(0);
    const elem = valueOf(vq.virtqueue_pop());
    if (!elem) throw new Error('expected an element');
    driver.publish(9);
    errorOf(vq.virtqueue_pop(), 'head-out-of-range');
    expect(vq.state.broken).toBe(true);
    expect(valueOf(vq.virtqueue_pop())).toBeNull();
    expect(valueOf(vq.virtio_queue_empty())).toBe(true);
    valueOf(vq.virtqueue_fill(elem, 1, 0));
    expect(ring.usedElem(0)).toEqual({ id: 0, len: 0 });
    valueOf(vq.virtqueue_flush(1));
    expect(vq.state.inuse).toBe(0);
    expect(ring.usedIdx()).toBe(0);
  });

  it('the queue stays broken: a later valid chain is not popped', () => {
    const { vq, driver } = makeRig();
    driver.publish(8);
    errorOf(vq.virtqueue_pop(), 'head-out-of-range');
    driver.writeChain([1], [{ addr: BUF, len: 1 }]);
    driver.publish(1);
    expect(valueOf(vq.virtqueue_pop())).toBeNull();
    expect(vq.state.last_avail_idx).toBe(1);
  });
});

describe('VirtQueue: a guest-memory access that fails anyway (defence in depth)', () => {
  /** Guest memory whose 16-bit index loads fail, as if the avail ring had been unplugged after setup. */
  class FlakyMemory extends GuestMemory {
    failWith: Error | null = null;
    override load16(addr: number): number {
      if (this.failWith) throw this.failWith;
      return super.load16(addr);
    }
  }
  const make = () => {
    const mem = new FlakyMemory(new ArrayBuffer(0x4000));
    const vq = new VirtQueue({
      mem,
      addrs: { size: 4, desc: 0, avail: 0x100, used: 0x200 },
      features: 0n,
      queueIndex: 0,
    });
    return { mem, vq };
  };

  it('a GuestMemoryError becomes a memory-out-of-bounds VirtioError naming the QEMU function', () => {
    const { mem, vq } = make();
    mem.failWith = new GuestMemoryError(0x102, 2, 0x4000, 'read');
    const e = errorOf(vq.virtqueue_pop(), 'memory-out-of-bounds');
    expect(e.where).toBe('virtqueue_split_pop');
    expect(e.detail).toMatchObject({ addr: 0x102n, length: 2 });
    expect(vq.state.broken).toBe(true);
  });

  it('anything else is a bug in our code and is not swallowed', () => {
    const { mem, vq } = make();
    mem.failWith = new TypeError('boom');
    expect(() => vq.virtqueue_pop()).toThrow(TypeError);
  });
});
