import { describe, expect, it } from 'vitest';
import {
  VIRTIO_F_NOTIFY_ON_EMPTY,
  VIRTIO_RING_F_EVENT_IDX,
  VRING_AVAIL_F_NO_INTERRUPT,
  VRING_USED_F_NO_NOTIFY,
} from '../constants';
import { withFeatures } from '../features';
import type { VirtQueueElement } from './virtQueueElement';
import { BUF, makeRig, recordingTracer, valueOf, type RigOptions } from './virtQueue.testRig';

const EVENT_IDX = withFeatures(VIRTIO_RING_F_EVENT_IDX);

function rig(o: RigOptions = {}) {
  const r = makeRig({ size: 8, ...o });
  for (let k = 0; k < 8; k++) r.driver.writeChain([k], [{ addr: BUF, len: 1, write: true }]);
  /** The driver offers `n` buffers; the device pops and completes them one by one. */
  const cycle = (n: number): void => {
    r.driver.publish(...Array.from({ length: n }, (_, k) => k));
    for (let k = 0; k < n; k++) {
      const elem = valueOf(r.vq.virtqueue_pop()) as VirtQueueElement;
      valueOf(r.vq.virtqueue_push(elem, 1));
    }
  };
  return { ...r, cycle };
}

describe('VirtQueue.virtio_should_notify without EVENT_IDX: avail.flags', () => {
  it('notifies unless the driver set VRING_AVAIL_F_NO_INTERRUPT', () => {
    const { vq, ring, cycle } = rig();
    cycle(1);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
    ring.setAvailFlags(VRING_AVAIL_F_NO_INTERRUPT);
    expect(valueOf(vq.virtio_should_notify())).toBe(false);
    ring.setAvailFlags(0);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
  });

  it('starts with smp_mb, before reading the driver field', () => {
    const tracer = recordingTracer();
    const { vq } = rig({ tracer });
    valueOf(vq.virtio_should_notify());
    expect(tracer.events).toEqual([
      '>virtio_should_notify',
      '>virtio_split_should_notify',
      '!smp_mb',
      '<virtio_split_should_notify',
      '<virtio_should_notify',
    ]);
  });
});

describe('VirtQueue.virtio_should_notify with EVENT_IDX: vring_need_event(used_event, new, old)', () => {
  it('always notifies the first time (signalled_used_valid is false), then records used_idx', () => {
    const { vq, ring, cycle } = rig({ features: EVENT_IDX });
    ring.setUsedEvent(100); // far away: would say no
    cycle(1);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
    expect(vq.state).toMatchObject({ signalled_used: 1, signalled_used_valid: true });
  });

  it.each([
    [2, true], // used_event == old: the driver asked for this very entry
    [3, false], // one past the entry just published
    [1, false], // already behind
  ])('one buffer published from used.idx 2 to 3 with used_event %i: %s', (usedEvent, expected) => {
    const { vq, ring, cycle } = rig({ features: EVENT_IDX });
    cycle(2);
    valueOf(vq.virtio_should_notify()); // signalled_used = 2
    ring.setUsedEvent(usedEvent);
    cycle(1);
    expect(valueOf(vq.virtio_should_notify())).toBe(expected);
    expect(vq.state.signalled_used).toBe(3);
  });

  it.each([
    [0, false],
    [1, true],
    [3, true],
    [4, false],
  ])('a batch from 1 to 4 with used_event %i: %s', (usedEvent, expected) => {
    const { vq, ring, cycle } = rig({ features: EVENT_IDX });
    cycle(1);
    valueOf(vq.virtio_should_notify());
    ring.setUsedEvent(usedEvent);
    cycle(3);
    expect(valueOf(vq.virtio_should_notify())).toBe(expected);
  });

  it('ignores avail.flags (NO_INTERRUPT)', () => {
    const { vq, ring, cycle } = rig({ features: EVENT_IDX });
    cycle(1);
    valueOf(vq.virtio_should_notify());
    ring.setAvailFlags(VRING_AVAIL_F_NO_INTERRUPT);
    ring.setUsedEvent(1);
    cycle(1);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
  });

  it('works across the 16-bit wrap', () => {
    const { vq, ring, cycle } = rig({ features: EVENT_IDX, startIdx: 65535 });
    valueOf(vq.virtio_should_notify()); // signalled_used = 65535
    ring.setUsedEvent(65535);
    cycle(1); // used.idx 65535 -> 0
    expect(vq.state.used_idx).toBe(0);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
    ring.setUsedEvent(0);
    cycle(1);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
    cycle(1);
    expect(valueOf(vq.virtio_should_notify())).toBe(false);
  });

  it('a second decision without new used entries says no', () => {
    const { vq, ring, cycle } = rig({ features: EVENT_IDX });
    cycle(1);
    ring.setUsedEvent(0);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
    expect(valueOf(vq.virtio_should_notify())).toBe(false);
  });
});

describe('VirtQueue.virtio_should_notify with VIRTIO_F_NOTIFY_ON_EMPTY', () => {
  const features = withFeatures(VIRTIO_F_NOTIFY_ON_EMPTY);

  it('notifies when nothing is in use and the ring is empty, even with NO_INTERRUPT', () => {
    const { vq, ring, cycle } = rig({ features });
    cycle(1);
    ring.setAvailFlags(VRING_AVAIL_F_NO_INTERRUPT);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
  });

  it('falls back to the flags while elements are in use, or while the ring still has entries', () => {
    const { vq, ring, driver } = rig({ features });
    ring.setAvailFlags(VRING_AVAIL_F_NO_INTERRUPT);
    driver.publish(0, 1);
    valueOf(vq.virtqueue_pop());
    expect(vq.state.inuse).toBe(1);
    expect(valueOf(vq.virtio_should_notify())).toBe(false);
    vq.virtqueue_rewind(1);
    expect(vq.state.inuse).toBe(0);
    expect(valueOf(vq.virtio_should_notify())).toBe(false);
  });

  it('combined with EVENT_IDX it still short-circuits first, leaving signalled_used alone', () => {
    const { vq, ring, cycle } = rig({ features: withFeatures(VIRTIO_F_NOTIFY_ON_EMPTY, VIRTIO_RING_F_EVENT_IDX) });
    cycle(1);
    ring.setUsedEvent(50);
    expect(valueOf(vq.virtio_should_notify())).toBe(true);
    expect(vq.state).toMatchObject({ signalled_used: 0, signalled_used_valid: false });
  });
});

describe('VirtQueue.virtio_queue_set_notification', () => {
  it('without EVENT_IDX: sets and clears VRING_USED_F_NO_NOTIFY, keeping other used.flags bits', () => {
    const { vq, ring } = rig();
    ring.setUsedFlags(0x10);
    valueOf(vq.virtio_queue_set_notification(false));
    expect(ring.usedFlags()).toBe(0x10 | VRING_USED_F_NO_NOTIFY);
    expect(vq.state.notification).toBe(false);
    valueOf(vq.virtio_queue_set_notification(true));
    expect(ring.usedFlags()).toBe(0x10);
    expect(vq.state.notification).toBe(true);
  });

  it('with EVENT_IDX: enabling writes avail_event = avail.idx (read now into shadow_avail_idx); flags untouched', () => {
    const { vq, ring, driver } = rig({ features: EVENT_IDX });
    driver.publish(0, 1, 2);
    valueOf(vq.virtio_queue_set_notification(true));
    expect(ring.availEvent()).toBe(3);
    expect(vq.state.shadow_avail_idx).toBe(3);
    expect(ring.usedFlags()).toBe(0);
  });

  it('with EVENT_IDX: disabling reads avail.idx but writes nothing', () => {
    const { vq, ring, driver, mem } = rig({ features: EVENT_IDX });
    ring.setAvailEvent(0x1234);
    driver.publish(0);
    const writes: number[] = [];
    mem.observer = (w) => writes.push(w.addr);
    valueOf(vq.virtio_queue_set_notification(false));
    expect(writes).toEqual([]);
    expect(vq.state).toMatchObject({ notification: false, shadow_avail_idx: 1 });
  });

  it('issues smp_mb only when enabling', () => {
    const tracer = recordingTracer();
    const { vq } = rig({ tracer });
    valueOf(vq.virtio_queue_set_notification(false));
    expect(tracer.events).not.toContain('!smp_mb');
    valueOf(vq.virtio_queue_set_notification(true));
    expect(tracer.events.slice(-3)).toEqual([
      '!smp_mb',
      '<virtio_queue_split_set_notification',
      '<virtio_queue_set_notification',
    ]);
  });

  it("virtio-blk's loop: disable, drain, enable, re-check catches a buffer added in between", () => {
    const { vq, ring, driver } = rig({ features: EVENT_IDX });
    driver.publish(0);
    const handled: number[] = [];
    let rounds = 0;
    do {
      rounds++;
      valueOf(vq.virtio_queue_set_notification(false));
      for (let elem = valueOf(vq.virtqueue_pop()); elem; elem = valueOf(vq.virtqueue_pop())) {
        handled.push(elem.index);
        valueOf(vq.virtqueue_push(elem, 1));
        if (handled.length === 1) driver.publish(1); // arrives while the device is busy
      }
      valueOf(vq.virtio_queue_set_notification(true));
      if (rounds === 1) driver.publish(2); // arrives after the drain, before the re-check
    } while (!valueOf(vq.virtio_queue_empty()));
    expect(handled).toEqual([0, 1, 2]);
    expect(rounds).toBe(2);
    expect(ring.availEvent()).toBe(3);
  });
});
