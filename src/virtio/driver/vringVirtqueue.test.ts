import { describe, expect, it } from 'vitest';
import {
  VIRTIO_F_ORDER_PLATFORM,
  VIRTIO_F_RING_PACKED,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
  VRING_AVAIL_F_NO_INTERRUPT,
} from '../constants';
import { GuestMemoryError } from '../errors';
import { withFeatures } from '../features';
import { GuestMemory } from '../guestMemory';
import { availRingBytes, descTableBytes, usedRingBytes } from '../layout';
import { AVAIL_AT, DESC_AT, MEM_SIZE, USED_AT, makeRig, ringAddrs } from './testRig';
import { VirtqueueSetupError, VringVirtqueue, vring_create_virtqueue_split } from './vringVirtqueue';

const dirtyMemory = () => {
  const mem = GuestMemory.create(MEM_SIZE, false);
  mem.fill(0, MEM_SIZE, 0xaa);
  return mem;
};

describe('VringVirtqueue construction', () => {
  it('zeroes the ring and sets the state as __vring_new_virtqueue does', () => {
    const mem = dirtyMemory();
    const vq = new VringVirtqueue<string>({ mem, addrs: ringAddrs(8), features: 0n, queueIndex: 2 });
    expect(mem.readBytes(DESC_AT, descTableBytes(8)).every((b) => b === 0)).toBe(true);
    expect(mem.readBytes(AVAIL_AT, availRingBytes(8)).every((b) => b === 0)).toBe(true);
    expect(mem.readBytes(USED_AT, usedRingBytes(8)).every((b) => b === 0)).toBe(true);
    expect(mem.read8(USED_AT + usedRingBytes(8))).toBe(0xaa);
    expect(vq.state).toEqual({
      num: 8,
      free_head: 0,
      num_free: 8,
      avail_idx_shadow: 0,
      avail_flags_shadow: 0,
      last_used_idx: 0,
      num_added: 0,
      event: false,
      indirect: false,
      weak_barriers: true,
      broken: false,
      event_triggered: false,
    });
    expect(vq.virtqueue_get_vring_size()).toBe(8);
    expect(vq.queueIndex).toBe(2);
    expect(vq.lastError).toBeNull();
  });

  it('reads EVENT_IDX, INDIRECT_DESC and ORDER_PLATFORM from the features', () => {
    const { vq } = makeRig({
      features: withFeatures(VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_F_ORDER_PLATFORM),
    });
    expect(vq.state).toMatchObject({ event: true, indirect: true, weak_barriers: false });
    expect(makeRig({ weakBarriers: false }).vq.state.weak_barriers).toBe(false);
  });

  it('starts at startIdx: avail.idx, used.idx and used_event all equal it', () => {
    const { vq, ring } = makeRig({ startIdx: 65530 });
    expect(vq.state).toMatchObject({ avail_idx_shadow: 65530, last_used_idx: 65530 });
    expect(ring.availIdx()).toBe(65530);
    expect(ring.usedIdx()).toBe(65530);
    expect(ring.usedEvent()).toBe(65530);
    expect(vq.more_used()).toBe(false);
    expect(makeRig({ startIdx: 0x1_0003 }).vq.state.avail_idx_shadow).toBe(3);
  });

  it('with zeroRing: false leaves the ring and the used ring alone', () => {
    const mem = dirtyMemory();
    const vq = new VringVirtqueue<string>({
      mem,
      addrs: ringAddrs(4),
      features: 0n,
      queueIndex: 0,
      zeroRing: false,
      startIdx: 5,
      callback: null,
    });
    expect(mem.read8(DESC_AT)).toBe(0xaa);
    expect(mem.read16(USED_AT + 2)).toBe(0xaaaa);
    expect(mem.read16(AVAIL_AT)).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    expect(mem.read16(AVAIL_AT + 2)).toBe(5);
    expect(vq.state.avail_idx_shadow).toBe(5);
  });

  it.each([0, 3, 65536])('rejects queue size %i: "Bad virtqueue length"', (size) => {
    const mem = GuestMemory.create(MEM_SIZE, false);
    const make = () => new VringVirtqueue({ mem, addrs: { ...ringAddrs(8), size }, features: 0n, queueIndex: 0 });
    expect(make).toThrow(VirtqueueSetupError);
    expect(make).toThrow(`Bad virtqueue length ${size}`);
    const r = vring_create_virtqueue_split({ mem, addrs: { ...ringAddrs(8), size }, features: 0n, queueIndex: 0 });
    expect(r).toMatchObject({ ok: false, error: { kind: 'invalid-queue-size', side: 'driver' } });
  });

  it('refuses a packed ring', () => {
    const mem = GuestMemory.create(MEM_SIZE, false);
    const r = vring_create_virtqueue_split({
      mem,
      addrs: ringAddrs(8),
      features: withFeatures(VIRTIO_F_RING_PACKED),
      queueIndex: 0,
    });
    expect(r).toMatchObject({ ok: false, error: { kind: 'features-not-accepted' } });
  });

  it.each([
    ['descriptor table', { desc: MEM_SIZE - 8 }],
    ['avail ring', { avail: MEM_SIZE - 4 }],
    ['used ring', { used: MEM_SIZE - 16 }],
    ['negative address', { used: -4 }],
  ])('a %s outside guest memory raises GuestMemoryError, never a RangeError', (_name, at) => {
    for (const zeroRing of [true, false]) {
      const mem = GuestMemory.create(MEM_SIZE, false);
      const opts = { mem, addrs: { ...ringAddrs(8), ...at }, features: 0n, queueIndex: 0, zeroRing };
      expect(() => new VringVirtqueue(opts)).toThrow(GuestMemoryError);
      const r = vring_create_virtqueue_split(opts);
      expect(r).toMatchObject({
        ok: false,
        error: { kind: 'memory-out-of-bounds', side: 'driver', where: 'vring_create_virtqueue_split' },
      });
    }
  });

  it('lets unexpected errors through the factory', () => {
    const mem = GuestMemory.create(MEM_SIZE, false);
    mem.fill = () => {
      throw new TypeError('boom');
    };
    expect(() => vring_create_virtqueue_split({ mem, addrs: ringAddrs(8), features: 0n, queueIndex: 0 })).toThrow(
      TypeError,
    );
  });

  it('the factory returns the queue on success', () => {
    const mem = GuestMemory.create(MEM_SIZE, false);
    const r = vring_create_virtqueue_split<string>({ mem, addrs: ringAddrs(8), features: 0n, queueIndex: 0 });
    expect(r.ok && r.value.virtqueue_get_vring_size()).toBe(8);
  });

  it('traces its creation', () => {
    const events: string[] = [];
    const mem = GuestMemory.create(MEM_SIZE, false);
    new VringVirtqueue({
      mem,
      addrs: ringAddrs(8),
      features: 0n,
      queueIndex: 0,
      tracer: { enter: (f) => events.push(f), leave: () => {}, barrier: () => {} },
    });
    expect(events).toEqual(['vring_create_virtqueue_split']);
  });

  it('works on a SharedArrayBuffer', () => {
    const mem = GuestMemory.create(MEM_SIZE, true);
    const vq = new VringVirtqueue<string>({ mem, addrs: ringAddrs(8), features: 0n, queueIndex: 0 });
    expect(vq.virtqueue_add_outbuf([{ addr: 0x8000, len: 1 }], 'a').ok).toBe(true);
    expect(mem.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
