import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_EVENT_IDX, VRING_USED_F_NO_NOTIFY } from '../constants';
import { withFeatures } from '../features';
import { GuestMemory } from '../guestMemory';
import { makeRig, ringAddrs, sgs } from './testRig';
import { VringVirtqueue } from './vringVirtqueue';

const EVENT_IDX = withFeatures(VIRTIO_RING_F_EVENT_IDX);

/** A queue whose last kick decision was at `old`, with `count` entries added since. */
function pending(old: number, count: number, features = EVENT_IDX) {
  const rig = makeRig({ size: 8, features, startIdx: old });
  for (let k = 0; k < count; k++) {
    rig.vq.virtqueue_add_outbuf(sgs(1), `t${k}`);
    rig.dev.completeAll();
    rig.vq.virtqueue_get_buf();
  }
  return rig;
}

describe('virtqueue_kick_prepare without EVENT_IDX', () => {
  it('kicks unless the device set NO_NOTIFY in used.flags', () => {
    const { vq, ring } = pending(0, 2, 0n);
    expect(vq.virtqueue_kick_prepare()).toBe(true);
    expect(vq.state.num_added).toBe(0);
    vq.virtqueue_add_outbuf(sgs(1), 'x');
    ring.setUsedFlags(VRING_USED_F_NO_NOTIFY);
    expect(vq.virtqueue_kick_prepare()).toBe(false);
    expect(vq.state.num_added).toBe(0);
  });

  it('ignores avail_event', () => {
    const { vq, ring } = pending(0, 1, 0n);
    ring.setAvailEvent(100);
    expect(vq.virtqueue_kick_prepare()).toBe(true);
  });
});

describe('virtqueue_kick_prepare with EVENT_IDX', () => {
  // old = 5, new = 8: the device asked to hear about entry E; kick iff E is in [5, 8).
  it.each([
    [4, false],
    [5, true],
    [6, true],
    [7, true],
    [8, false],
  ])('old 5, new 8, avail_event %i -> %s', (availEvent, expected) => {
    const { vq, ring } = pending(5, 3);
    expect(vq.state).toMatchObject({ avail_idx_shadow: 8, num_added: 3 });
    ring.setAvailEvent(availEvent);
    expect(vq.virtqueue_kick_prepare()).toBe(expected);
    expect(vq.state.num_added).toBe(0);
  });

  // Across the 16-bit wrap: old = 65534, new = 1 covers 65534, 65535 and 0.
  it.each([
    [65533, false],
    [65534, true],
    [65535, true],
    [0, true],
    [1, false],
  ])('old 65534, new 1, avail_event %i -> %s', (availEvent, expected) => {
    const { vq, ring } = pending(65534, 3);
    expect(vq.state.avail_idx_shadow).toBe(1);
    ring.setAvailEvent(availEvent);
    expect(vq.virtqueue_kick_prepare()).toBe(expected);
  });

  it('ignores NO_NOTIFY', () => {
    const { vq, ring } = pending(0, 1);
    ring.setUsedFlags(VRING_USED_F_NO_NOTIFY);
    ring.setAvailEvent(0);
    expect(vq.virtqueue_kick_prepare()).toBe(true);
  });

  it('never kicks for nothing added', () => {
    const { vq, ring } = pending(0, 0);
    ring.setAvailEvent(0);
    expect(vq.virtqueue_kick_prepare()).toBe(false);
  });

  it('reads avail_event only after virtio_mb', () => {
    const { vq, ring, tracer } = pending(0, 1);
    ring.setAvailEvent(5);
    tracer.onBarrier = (kind) => {
      if (kind === 'virtio_mb') ring.setAvailEvent(0);
    };
    expect(vq.virtqueue_kick_prepare()).toBe(true);
  });
});

describe('virtqueue_notify and virtqueue_kick', () => {
  it('notifies with the queue index when a kick is needed', () => {
    const { vq, notifies, tracer } = pending(0, 1, 0n);
    tracer.clear();
    expect(vq.virtqueue_kick()).toBe(true);
    expect(notifies).toEqual([0]);
    expect(tracer.entered()).toEqual([
      'virtqueue_kick',
      'virtqueue_kick_prepare',
      'virtqueue_kick_prepare_split',
      'virtqueue_notify',
    ]);
    expect(tracer.barriers()).toEqual(['virtio_mb']);
  });

  it('does not notify when the device suppressed it, and still reports success', () => {
    const { vq, ring, notifies } = pending(0, 1, 0n);
    ring.setUsedFlags(VRING_USED_F_NO_NOTIFY);
    expect(vq.virtqueue_kick()).toBe(true);
    expect(notifies).toEqual([]);
  });

  it('marks the queue broken when notify fails, and refuses further work', () => {
    const { vq, notifies } = makeRig({ size: 4, notifyResult: false });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    expect(vq.virtqueue_kick()).toBe(false);
    expect(vq.virtqueue_is_broken()).toBe(true);
    expect(notifies).toEqual([0]);
    expect(vq.virtqueue_notify()).toBe(false);
    expect(notifies).toEqual([0]);
    expect(vq.virtqueue_add_outbuf(sgs(1), 'b')).toMatchObject({ ok: false, errno: 'EIO' });
  });

  it('uses a no-op notify when none was given', () => {
    const vq = new VringVirtqueue<string>({
      mem: GuestMemory.create(0x10000, false),
      addrs: ringAddrs(4),
      features: 0n,
      queueIndex: 3,
    });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    expect(vq.virtqueue_kick()).toBe(true);
  });
});
