import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_EVENT_IDX, VRING_AVAIL_F_NO_INTERRUPT } from '../constants';
import { withFeatures } from '../features';
import { makeRig, sgs } from './testRig';

const EVENT_IDX = withFeatures(VIRTIO_RING_F_EVENT_IDX);

describe('virtqueue_disable_cb', () => {
  it('without EVENT_IDX sets NO_INTERRUPT in avail.flags', () => {
    const { vq, ring } = makeRig();
    vq.virtqueue_disable_cb();
    expect(vq.state.avail_flags_shadow).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    expect(ring.availFlags()).toBe(VRING_AVAIL_F_NO_INTERRUPT);
  });

  it('with EVENT_IDX leaves avail.flags at 0 and parks used_event at 0', () => {
    const { vq, ring } = makeRig({ features: EVENT_IDX, startIdx: 100 });
    expect(ring.usedEvent()).toBe(100);
    vq.virtqueue_disable_cb();
    expect(vq.state.avail_flags_shadow).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    expect(ring.availFlags()).toBe(0);
    expect(ring.usedEvent()).toBe(0);
  });

  it('writes nothing when already disabled', () => {
    const { vq, ring } = makeRig({ features: EVENT_IDX });
    vq.virtqueue_disable_cb();
    ring.setUsedEvent(7);
    vq.virtqueue_disable_cb();
    expect(ring.usedEvent()).toBe(7);
  });

  it('after an interrupt with EVENT_IDX only sets the shadow flag (the device will not interrupt again anyway)', () => {
    const { vq, ring, dev } = makeRig({ features: EVENT_IDX });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    dev.completeAll();
    expect(vq.vring_interrupt()).toBe('IRQ_HANDLED');
    expect(vq.state.event_triggered).toBe(true);
    ring.setUsedEvent(9);
    vq.virtqueue_disable_cb();
    expect(vq.state.avail_flags_shadow).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    expect(ring.usedEvent()).toBe(9);
    // enable_cb_prepare clears event_triggered, so the next disable writes again.
    vq.virtqueue_enable_cb_prepare();
    expect(vq.state.event_triggered).toBe(false);
    vq.virtqueue_disable_cb();
    expect(ring.usedEvent()).toBe(0);
  });
});

describe('virtqueue_enable_cb_prepare and virtqueue_poll', () => {
  it('without EVENT_IDX clears avail.flags and still writes used_event', () => {
    const { vq, ring, dev } = makeRig();
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    dev.completeAll();
    vq.virtqueue_disable_cb();
    vq.virtqueue_get_buf();
    const opaque = vq.virtqueue_enable_cb_prepare();
    expect(opaque).toBe(1);
    expect(ring.availFlags()).toBe(0);
    expect(vq.state.avail_flags_shadow).toBe(0);
    expect(ring.usedEvent()).toBe(1);
    expect(vq.virtqueue_poll(opaque)).toBe(false);
  });

  it('with EVENT_IDX points used_event at last_used_idx and never touches avail.flags', () => {
    const { vq, ring } = makeRig({ features: EVENT_IDX, startIdx: 0xfffe });
    vq.virtqueue_disable_cb();
    ring.setAvailFlags(0x55);
    expect(vq.virtqueue_enable_cb_prepare()).toBe(0xfffe);
    expect(ring.usedEvent()).toBe(0xfffe);
    expect(ring.availFlags()).toBe(0x55);
  });

  it('poll sees entries used after prepare, comparing 16 bits', () => {
    const { vq, dev, tracer } = makeRig({ startIdx: 0xffff });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    const opaque = vq.virtqueue_enable_cb_prepare();
    expect(vq.virtqueue_poll(opaque)).toBe(false);
    dev.completeAll();
    tracer.clear();
    expect(vq.virtqueue_poll(opaque)).toBe(true);
    expect(vq.virtqueue_poll(opaque + 0x10000)).toBe(true);
    expect(tracer.barriers()[0]).toBe('virtio_mb');
  });

  it('poll is false on a broken queue', () => {
    const { vq, dev } = makeRig();
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    dev.completeAll();
    vq.state.broken = true;
    expect(vq.virtqueue_poll(0)).toBe(false);
  });
});

describe('virtqueue_enable_cb: enable, then re-check', () => {
  it('is true when nothing was used meanwhile', () => {
    const { vq } = makeRig({ features: EVENT_IDX });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.virtqueue_disable_cb();
    expect(vq.virtqueue_enable_cb()).toBe(true);
  });

  it('is false when the device used a buffer between enabling and the check', () => {
    // The race Linux closes: the device completes after we looked at the ring but before it could see that we
    // re-enabled interrupts, so it sent none. The re-check after virtio_mb catches it.
    const { vq, dev, tracer, ring } = makeRig({ features: EVENT_IDX });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.virtqueue_disable_cb();
    tracer.clear();
    tracer.onBarrier = (kind, stack) => {
      if (kind === 'virtio_mb' && stack.includes('virtqueue_poll')) dev.completeAll(0);
    };
    expect(vq.virtqueue_enable_cb()).toBe(false);
    expect(ring.usedEvent()).toBe(0);
    expect(tracer.entered()).toEqual([
      'virtqueue_enable_cb',
      'virtqueue_enable_cb_prepare',
      'virtqueue_enable_cb_prepare_split',
      'virtqueue_poll',
      'virtqueue_poll_split',
    ]);
    tracer.onBarrier = null;
    // The virtblk_done loop: get the buffer, enable again, now quiet.
    expect(vq.virtqueue_get_buf()?.data).toBe('a');
    expect(vq.virtqueue_enable_cb()).toBe(true);
  });
});

describe('virtqueue_enable_cb_delayed', () => {
  it('asks for an interrupt after 3/4 of the outstanding buffers', () => {
    const { vq, ring, tracer } = makeRig({ features: EVENT_IDX, size: 16 });
    for (let k = 0; k < 8; k++) vq.virtqueue_add_outbuf(sgs(1), `t${k}`);
    vq.virtqueue_disable_cb();
    tracer.clear();
    expect(vq.virtqueue_enable_cb_delayed()).toBe(true);
    expect(ring.usedEvent()).toBe(6);
    expect(vq.state.avail_flags_shadow).toBe(0);
    expect(tracer.barriers()).toEqual(['virtio_store_mb']);
    expect(tracer.entered()).toEqual(['virtqueue_enable_cb_delayed', 'virtqueue_enable_cb_delayed_split']);
  });

  it('rounds down and wraps at 16 bits', () => {
    const { vq, ring } = makeRig({ features: EVENT_IDX, size: 8, startIdx: 0xfffe });
    for (let k = 0; k < 7; k++) vq.virtqueue_add_outbuf(sgs(1), `t${k}`);
    // 7 * 3 / 4 = 5.25 -> 5; 0xfffe + 5 wraps to 3.
    expect(vq.virtqueue_enable_cb_delayed()).toBe(true);
    expect(ring.usedEvent()).toBe(3);
  });

  it('is true with exactly bufs used, false with more', () => {
    const { vq, dev } = makeRig({ features: EVENT_IDX, size: 8 });
    for (let k = 0; k < 8; k++) vq.virtqueue_add_outbuf(sgs(1), `t${k}`);
    for (let k = 0; k < 6; k++) dev.push(dev.pop()!.head, 0);
    expect(vq.virtqueue_enable_cb_delayed()).toBe(true);
    dev.push(dev.pop()!.head, 0);
    expect(vq.virtqueue_enable_cb_delayed()).toBe(false);
  });

  it('without EVENT_IDX clears NO_INTERRUPT in avail.flags', () => {
    const { vq, ring } = makeRig();
    vq.virtqueue_disable_cb();
    expect(vq.virtqueue_enable_cb_delayed()).toBe(true);
    expect(ring.availFlags()).toBe(0);
  });

  it('clears event_triggered', () => {
    const { vq } = makeRig({ features: EVENT_IDX });
    vq.state.event_triggered = true;
    vq.virtqueue_enable_cb_delayed();
    expect(vq.state.event_triggered).toBe(false);
  });
});

describe('vring_interrupt', () => {
  it('is IRQ_NONE with no work, and does not run the callback', () => {
    let calls = 0;
    const { vq } = makeRig({ callback: () => calls++ });
    expect(vq.vring_interrupt()).toBe('IRQ_NONE');
    expect(calls).toBe(0);
  });

  it('runs the callback when there is work; only EVENT_IDX sets event_triggered', () => {
    let calls = 0;
    const a = makeRig({ callback: () => calls++ });
    a.vq.virtqueue_add_outbuf(sgs(1), 'x');
    a.dev.completeAll();
    expect(a.vq.vring_interrupt()).toBe('IRQ_HANDLED');
    expect(calls).toBe(1);
    expect(a.vq.state.event_triggered).toBe(false);
  });

  it('swallows the interrupt on a broken queue', () => {
    let calls = 0;
    const { vq, dev } = makeRig({ callback: () => calls++, features: EVENT_IDX });
    vq.virtqueue_add_outbuf(sgs(1), 'x');
    dev.completeAll();
    vq.state.broken = true;
    expect(vq.vring_interrupt()).toBe('IRQ_HANDLED');
    expect(calls).toBe(0);
    expect(vq.state.event_triggered).toBe(false);
  });

  it('callback: null is "no callback": NO_INTERRUPT from the start (in avail.flags without EVENT_IDX)', () => {
    const a = makeRig({ callback: null });
    expect(a.vq.state.avail_flags_shadow).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    expect(a.ring.availFlags()).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    const b = makeRig({ callback: null, features: EVENT_IDX });
    expect(b.vq.state.avail_flags_shadow).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    expect(b.ring.availFlags()).toBe(0);
  });
});
