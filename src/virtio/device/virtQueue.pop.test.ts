import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_EVENT_IDX } from '../constants';
import { withFeatures } from '../features';
import { BUF, makeRig, recordingTracer, valueOf } from './virtQueue.testRig';

describe('VirtQueue.virtqueue_pop: direct chains', () => {
  it('returns null on an empty ring without changing any index', () => {
    const { vq } = makeRig();
    expect(valueOf(vq.virtqueue_pop())).toBeNull();
    expect(vq.state).toMatchObject({ last_avail_idx: 0, shadow_avail_idx: 0, inuse: 0, broken: false });
  });

  it('maps a virtio-blk style chain: readable header, writable data, writable status', () => {
    const { vq, driver } = makeRig();
    driver.writeChain(
      [0, 1, 2],
      [
        { addr: BUF, len: 16 },
        { addr: BUF + 0x100, len: 512, write: true },
        { addr: BUF + 0x400, len: 1, write: true },
      ],
    );
    driver.publish(0);
    const elem = valueOf(vq.virtqueue_pop());
    expect(elem).toMatchObject({
      index: 0,
      ndescs: 1,
      indirect: false,
      out_sg: [{ addr: BUF, len: 16 }],
      in_sg: [
        { addr: BUF + 0x100, len: 512 },
        { addr: BUF + 0x400, len: 1 },
      ],
      descs: [0, 1, 2],
    });
    expect(elem?.indirectTable).toBeUndefined();
    expect(vq.state).toMatchObject({ last_avail_idx: 1, shadow_avail_idx: 1, inuse: 1 });
  });

  it('follows `next` wherever it points, not just to the following entry', () => {
    const { vq, driver } = makeRig();
    driver.writeChain(
      [5, 2, 7],
      [
        { addr: BUF, len: 4 },
        { addr: BUF + 8, len: 4 },
        { addr: BUF + 16, len: 4, write: true },
      ],
    );
    driver.publish(5);
    const elem = valueOf(vq.virtqueue_pop());
    expect(elem?.index).toBe(5);
    expect(elem?.descs).toEqual([5, 2, 7]);
    expect(elem?.out_sg).toEqual([
      { addr: BUF, len: 4 },
      { addr: BUF + 8, len: 4 },
    ]);
    expect(elem?.in_sg).toEqual([{ addr: BUF + 16, len: 4 }]);
  });

  it('accepts a chain of exactly N descriptors, and buffers that end exactly at the end of memory', () => {
    const { vq, driver, mem } = makeRig({ size: 4 });
    driver.writeChain(
      [3, 0, 1, 2],
      [
        { addr: BUF, len: 1 },
        { addr: BUF, len: 1 },
        { addr: mem.size - 10, len: 10, write: true },
        { addr: 0, len: mem.size, write: true },
      ],
    );
    driver.publish(3);
    const elem = valueOf(vq.virtqueue_pop());
    expect(elem?.descs).toEqual([3, 0, 1, 2]);
    expect(elem?.in_sg).toEqual([
      { addr: mem.size - 10, len: 10 },
      { addr: 0, len: mem.size },
    ]);
  });

  it('pops heads in avail ring order and counts them in inuse', () => {
    const { vq, driver } = makeRig();
    for (const i of [4, 1, 6]) driver.writeChain([i], [{ addr: BUF + i * 16, len: 16 }]);
    driver.publish(4, 1, 6);
    expect([1, 2, 3].map(() => valueOf(vq.virtqueue_pop())?.index)).toEqual([4, 1, 6]);
    expect(valueOf(vq.virtqueue_pop())).toBeNull();
    expect(vq.state.inuse).toBe(3);
  });

  it('re-reads avail.idx only when every entry seen so far has been popped (shadow_avail_idx)', () => {
    const { vq, driver, ring } = makeRig();
    for (const i of [0, 1, 2]) driver.writeChain([i], [{ addr: BUF, len: 1 }]);
    driver.publish(0, 1);
    valueOf(vq.virtqueue_pop());
    expect(vq.state.shadow_avail_idx).toBe(2);
    // A third entry published now is not seen until the shadow is used up.
    driver.publish(2);
    valueOf(vq.virtqueue_pop());
    expect(vq.state.shadow_avail_idx).toBe(2);
    expect(valueOf(vq.virtqueue_pop())?.index).toBe(2);
    expect(vq.state.shadow_avail_idx).toBe(3);
    expect(ring.availIdx()).toBe(3);
  });

  it('virtio_queue_empty reads avail.idx lazily and agrees with pop', () => {
    const { vq, driver } = makeRig();
    expect(valueOf(vq.virtio_queue_empty())).toBe(true);
    driver.writeChain([0], [{ addr: BUF, len: 1 }]);
    driver.publish(0);
    expect(valueOf(vq.virtio_queue_empty())).toBe(false);
    expect(vq.state.shadow_avail_idx).toBe(1);
    valueOf(vq.virtqueue_pop());
    expect(valueOf(vq.virtio_queue_empty())).toBe(true);
  });

  it('with EVENT_IDX writes avail_event = last_avail_idx after taking the head, only while notifications are on', () => {
    const { vq, driver, ring } = makeRig({ features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    for (const i of [0, 1]) driver.writeChain([i], [{ addr: BUF, len: 1 }]);
    driver.publish(0, 1);
    valueOf(vq.virtqueue_pop());
    expect(ring.availEvent()).toBe(1);
    vq.state.notification = false;
    valueOf(vq.virtqueue_pop());
    expect(ring.availEvent()).toBe(1);
  });

  it('without EVENT_IDX never writes avail_event', () => {
    const { vq, driver, ring, mem } = makeRig();
    mem.write16(ring.addrs.used + 4 + 8 * ring.size, 0xabcd);
    driver.writeChain([0], [{ addr: BUF, len: 1 }]);
    driver.publish(0);
    valueOf(vq.virtqueue_pop());
    expect(ring.availEvent()).toBe(0xabcd);
  });

  it('never writes the descriptor table or the avail ring', () => {
    const { vq, driver, mem, ring } = makeRig({ features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    driver.writeChain(
      [0, 1],
      [
        { addr: BUF, len: 4 },
        { addr: BUF + 4, len: 4, write: true },
      ],
    );
    driver.publish(0);
    const writes: number[] = [];
    mem.observer = (w) => writes.push(w.addr);
    valueOf(vq.virtqueue_pop());
    expect(writes).toEqual([ring.addrs.used + 4 + 8 * ring.size]); // avail_event only
  });

  it('traces QEMU function names with smp_rmb after the index read and smp_wmb in read_next_desc', () => {
    const tracer = recordingTracer();
    const { vq, driver } = makeRig({ tracer });
    driver.writeChain(
      [0, 1],
      [
        { addr: BUF, len: 4 },
        { addr: BUF + 4, len: 4, write: true },
      ],
    );
    driver.publish(0);
    valueOf(vq.virtqueue_pop());
    expect(tracer.events).toEqual([
      '>virtqueue_pop',
      '>virtqueue_split_pop',
      '>virtio_queue_empty_rcu',
      '<virtio_queue_empty_rcu',
      '!smp_rmb',
      '>virtqueue_get_head',
      '<virtqueue_get_head',
      '>virtqueue_map_desc',
      '<virtqueue_map_desc',
      '>virtqueue_split_read_next_desc',
      '!smp_wmb',
      '<virtqueue_split_read_next_desc',
      '>virtqueue_map_desc',
      '<virtqueue_map_desc',
      '>virtqueue_split_read_next_desc',
      '<virtqueue_split_read_next_desc',
      '<virtqueue_split_pop',
      '<virtqueue_pop',
    ]);
  });

  it('an empty pop issues no read barrier', () => {
    const tracer = recordingTracer();
    const { vq } = makeRig({ tracer });
    valueOf(vq.virtqueue_pop());
    expect(tracer.events).not.toContain('!smp_rmb');
  });
});

describe('VirtQueue: 16-bit index wraparound', () => {
  it('starting at 65530, pops and pushes across 65535 -> 0 with ring slots idx % N', () => {
    const { vq, driver, ring } = makeRig({ size: 4, startIdx: 65530, features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    expect(ring.usedIdx()).toBe(65530);
    expect(vq.state).toMatchObject({ last_avail_idx: 65530, shadow_avail_idx: 65530, used_idx: 65530 });
    const seen: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 4; k++) driver.writeChain([k], [{ addr: BUF + k, len: 1, write: true }]);
      const slotBefore = driver.availIdx % 4;
      driver.publish(0, 1, 2, 3);
      expect(ring.availRing(slotBefore)).toBe(0);
      for (let k = 0; k < 4; k++) {
        const elem = valueOf(vq.virtqueue_pop());
        if (!elem) throw new Error('expected an element');
        seen.push(elem.index);
        valueOf(vq.virtqueue_push(elem, 1));
      }
      expect(valueOf(vq.virtqueue_pop())).toBeNull();
    }
    expect(seen).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    const end = (65530 + 12) & 0xffff;
    expect(end).toBe(6);
    expect(vq.state).toMatchObject({ last_avail_idx: end, used_idx: end, inuse: 0 });
    expect(ring.usedIdx()).toBe(end);
    expect(ring.availEvent()).toBe(end);
    // The last round's used entries sit in slots (65538 .. 65541) % 4.
    expect([0, 1, 2, 3].map((s) => ring.usedElem(s))).toEqual([
      { id: 2, len: 1 },
      { id: 3, len: 1 },
      { id: 0, len: 1 },
      { id: 1, len: 1 },
    ]);
  });

  it('a full ring across the wrap (avail.idx - last_avail_idx == N) is accepted', () => {
    const { vq, driver } = makeRig({ size: 4, startIdx: 65534 });
    for (let k = 0; k < 4; k++) driver.writeChain([k], [{ addr: BUF, len: 1 }]);
    driver.publish(0, 1, 2, 3);
    expect(driver.availIdx).toBe(2);
    for (let k = 0; k < 4; k++) expect(valueOf(vq.virtqueue_pop())?.index).toBe(k);
    expect(valueOf(vq.virtqueue_pop())).toBeNull();
  });
});
