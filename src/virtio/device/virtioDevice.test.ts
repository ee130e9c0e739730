import { describe, expect, it, vi } from 'vitest';
import {
  VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
  VRING_AVAIL_F_NO_INTERRUPT,
} from '../constants';
import { virtioError, type VirtioError } from '../errors';
import { withFeatures, type FeatureSet } from '../features';
import { GuestMemory } from '../guestMemory';
import { SplitRing } from '../splitRing';
import type { Tracer } from '../trace';
import { err } from '../types';
import { VirtIODevice, VIRTIO_ISR_CONFIG, VIRTIO_ISR_QUEUE, type VirtIODeviceOptions } from './virtioDevice';
import { VirtQueue } from './virtQueue';

const ACK = 1;
const DRIVER = 2;
const DRIVER_OK = 4;
const FEATURES_OK = 8;
const NEEDS_RESET = 64;
const FAILED = 128;

const V1 = withFeatures(VIRTIO_F_VERSION_1);
const HOST = withFeatures(VIRTIO_F_VERSION_1, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, 9);

// Queue n's rings, for a size up to 256, at fixed places.
const RINGS = (n: number) => ({ desc: 0x10000 + n * 0x4000, avail: 0x11000 + n * 0x4000, used: 0x12000 + n * 0x4000 });

function makeDevice(over: Partial<VirtIODeviceOptions> = {}) {
  const mem = over.mem ?? GuestMemory.create(0x40000, false);
  const interrupts: (number | 'config')[] = [];
  const dev = new VirtIODevice({
    mem,
    deviceId: 2,
    name: 'virtio-blk',
    hostFeatures: HOST,
    numQueues: 2,
    queueMaxSize: 256,
    config: new Uint8Array(60),
    onInterrupt: (s) => interrupts.push(s),
    ...over,
  });
  return { dev, mem, interrupts };
}

const must = <T>(r: { ok: true; value: T } | { ok: false; error: VirtioError }): T => {
  if (!r.ok) throw new Error(`unexpected error: ${r.error.message}`);
  return r.value;
};
const mustFail = (r: { ok: boolean; error?: VirtioError }): VirtioError => {
  if (r.ok) throw new Error('expected an error');
  return r.error!;
};

/** Drives the device to FEATURES_OK with `features`. */
function negotiate(dev: VirtIODevice, features: FeatureSet = HOST) {
  must(dev.virtio_set_status(ACK));
  must(dev.virtio_set_status(ACK | DRIVER));
  must(dev.virtio_set_features(features));
  must(dev.virtio_set_status(ACK | DRIVER | FEATURES_OK));
}

/** Sets up queue n at RINGS(n) with `num` entries and enables it. */
function setupQueue(dev: VirtIODevice, n: number, num = 8) {
  const r = RINGS(n);
  must(dev.virtio_queue_set_num(n, num));
  must(dev.virtio_queue_set_rings(n, r.desc, r.avail, r.used));
  must(dev.virtio_queue_enable(n));
}

function live(over: Partial<VirtIODeviceOptions> = {}, features: FeatureSet = HOST) {
  const t = makeDevice(over);
  negotiate(t.dev, features);
  setupQueue(t.dev, 0);
  must(t.dev.virtio_set_status(15));
  return t;
}

const someError = (): VirtioError =>
  virtioError('head-out-of-range', { message: 'Guest says index 9 is available', spec: '2.7.6', where: 'x' });

describe('VirtIODevice construction', () => {
  it('starts reset, with every queue at its maximum size and nothing configured', () => {
    const { dev } = makeDevice();
    expect(dev.status).toBe(0);
    expect(dev.guest_features).toBe(0n);
    expect(dev.host_features).toBe(HOST);
    expect([dev.broken, dev.isr, dev.config_generation, dev.device_id, dev.name]).toEqual([
      false,
      0,
      0,
      2,
      'virtio-blk',
    ]);
    expect(dev.errors).toEqual([]);
    expect(dev.numQueues).toBe(2);
    expect(dev.vq).toEqual([
      { num: 256, num_max: 256, addrs: null, enabled: false, queue: null },
      { num: 256, num_max: 256, addrs: null, enabled: false, queue: null },
    ]);
    expect(dev.queue(0)).toBeNull();
    expect(dev.needsReset).toBe(false);
  });

  it.each([
    [{ numQueues: 0 }, /numQueues/],
    [{ numQueues: 1.5 }, /numQueues/],
    [{ queueMaxSize: 100 }, /queueMaxSize/],
    [{ queueMaxSize: 0 }, /queueMaxSize/],
    [{ hostFeatures: -1n }, /hostFeatures/],
    [{ hostFeatures: 1n << 64n }, /hostFeatures/],
  ])('refuses bad options %o', (over, msg) => {
    expect(() => makeDevice(over)).toThrow(msg);
  });
});

describe('virtio_set_status: the status transitions', () => {
  it('walks 0 -> 1 -> 3 -> 11 -> 15 and keeps each value', () => {
    const { dev } = makeDevice();
    const seen: number[] = [];
    for (const v of [ACK, ACK | DRIVER]) {
      must(dev.virtio_set_status(v));
      seen.push(dev.status);
    }
    must(dev.virtio_set_features(HOST));
    must(dev.virtio_set_status(11));
    seen.push(dev.status);
    setupQueue(dev, 0);
    must(dev.virtio_set_status(15));
    seen.push(dev.status);
    expect(seen).toEqual([1, 3, 11, 15]);
  });

  it.each([
    [0, DRIVER],
    [ACK, ACK | FEATURES_OK],
    [ACK | DRIVER, ACK | DRIVER | DRIVER_OK],
  ])('refuses %i -> %i and leaves the status unchanged', (from, to) => {
    const { dev } = makeDevice();
    if (from) must(dev.virtio_set_status(from));
    if (from & DRIVER) must(dev.virtio_set_features(HOST));
    const e = mustFail(dev.virtio_set_status(to));
    expect(e.kind).toBe('invalid-status-transition');
    expect(dev.status).toBe(from);
  });

  it.each([
    [15, 11],
    [15, 7],
    [15, 14],
    [11, 3],
    [3, 1],
    [1, 2],
  ])('refuses to clear bits: %i -> %i', (from, to) => {
    const { dev } = live();
    dev.status = from; // a state reached legitimately; only the clearing write is under test
    const e = mustFail(dev.virtio_set_status(to));
    expect(e.kind).toBe('invalid-status-transition');
    expect(e.spec).toBe('2.1.1');
    expect(dev.status).toBe(from);
  });

  it('writing 0 resets', () => {
    const { dev } = live();
    must(dev.virtio_set_status(0));
    expect(dev.status).toBe(0);
    expect(dev.queue(0)).toBeNull();
  });

  it('FAILED can be set, and then only a reset brings the device back', () => {
    const { dev } = makeDevice();
    must(dev.virtio_set_status(ACK));
    must(dev.virtio_set_status(ACK | FAILED));
    expect(dev.status).toBe(0x81);
    expect(mustFail(dev.virtio_set_status(ACK | DRIVER | FAILED)).kind).toBe('invalid-status-transition');
    must(dev.virtio_set_status(0));
    must(dev.virtio_set_status(ACK));
    expect(dev.status).toBe(ACK);
  });

  it('the driver cannot set DEVICE_NEEDS_RESET, nor clear it except by reset', () => {
    const { dev } = live();
    expect(mustFail(dev.virtio_set_status(15 | NEEDS_RESET)).kind).toBe('invalid-status-transition');
    dev.virtio_error(someError());
    expect(dev.status).toBe(15 | NEEDS_RESET);
    // Linux's virtio_add_status() reads 0x4f and writes 0x4f|FAILED; a write without the bit keeps it too.
    must(dev.virtio_set_status(15 | NEEDS_RESET | FAILED));
    expect(dev.status).toBe(15 | NEEDS_RESET | FAILED);
    must(dev.virtio_set_status(15 | FAILED));
    expect(dev.status).toBe(15 | NEEDS_RESET | FAILED);
    must(dev.virtio_set_status(0));
    expect(dev.status).toBe(0);
  });

  it('a legacy negotiation (no VERSION_1) may go from DRIVER straight to DRIVER_OK', () => {
    const { dev } = makeDevice();
    must(dev.virtio_set_status(ACK | DRIVER));
    must(dev.virtio_set_features(withFeatures(9)));
    setupQueue(dev, 0);
    must(dev.virtio_set_status(ACK | DRIVER | DRIVER_OK));
    expect(dev.queue(0)).toBeInstanceOf(VirtQueue);
  });
});

describe('feature negotiation', () => {
  it('stores the accepted subset; FEATURES_OK sticks', () => {
    const { dev } = makeDevice();
    const want = withFeatures(VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX);
    negotiate(dev, want);
    expect(dev.guest_features).toBe(want);
    expect(dev.status).toBe(11);
    expect(dev.virtio_vdev_has_feature(VIRTIO_RING_F_EVENT_IDX)).toBe(true);
    expect(dev.virtio_vdev_has_feature(VIRTIO_RING_F_INDIRECT_DESC)).toBe(false);
    expect(dev.virtio_host_has_feature(VIRTIO_RING_F_INDIRECT_DESC)).toBe(true);
  });

  it('a driver asking for a feature the device lacks: the write is masked and errors, and FEATURES_OK is refused', () => {
    const { dev } = makeDevice();
    must(dev.virtio_set_status(ACK | DRIVER));
    const asked = V1 | withFeatures(13);
    const e = mustFail(dev.virtio_set_features(asked));
    expect(e.kind).toBe('features-not-accepted');
    expect(e.spec).toBe('2.2.1');
    expect(e.message).toContain('bits 13 not offered');
    expect(e.detail?.unsupported).toBe(1n << 13n);
    expect(dev.guest_features).toBe(V1); // QEMU's mask
    expect(dev.driver_features).toBe(asked);

    const refused = mustFail(dev.virtio_set_status(ACK | DRIVER | FEATURES_OK));
    expect(refused.kind).toBe('features-not-accepted');
    expect(refused.where).toBe('virtio_validate_features');
    expect(refused.message).toContain('feature bit(s) 13');
    expect(dev.status).toBe(ACK | DRIVER);
    expect(dev.broken).toBe(false);

    // A corrected write then succeeds.
    must(dev.virtio_set_features(V1));
    must(dev.virtio_set_status(ACK | DRIVER | FEATURES_OK));
    expect(dev.status).toBe(11);
  });

  it('refuses FEATURES_OK when the device offers ACCESS_PLATFORM and the driver drops it (QEMU’s check)', () => {
    const { dev } = makeDevice({ hostFeatures: withFeatures(VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM) });
    must(dev.virtio_set_status(ACK | DRIVER));
    must(dev.virtio_set_features(V1));
    const e = mustFail(dev.virtio_set_status(11));
    expect(e.qemuChecks).toBe(true);
    expect(e.message).toContain('VIRTIO_F_ACCESS_PLATFORM');
    expect(dev.status).toBe(3);
    must(dev.virtio_set_features(withFeatures(VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM)));
    must(dev.virtio_set_status(11));
  });

  it('without VERSION_1 QEMU skips virtio_validate_features’ device checks', () => {
    const { dev } = makeDevice({ hostFeatures: withFeatures(VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM, 9) });
    must(dev.virtio_set_status(ACK | DRIVER));
    must(dev.virtio_set_features(withFeatures(9)));
    must(dev.virtio_set_status(11));
  });

  it('refuses a feature write after FEATURES_OK (QEMU: -EINVAL) and keeps the negotiated set', () => {
    const { dev } = makeDevice();
    negotiate(dev, V1);
    const e = mustFail(dev.virtio_set_features(HOST));
    expect(e.kind).toBe('features-not-accepted');
    expect(e.message).toContain('after FEATURES_OK');
    expect(dev.guest_features).toBe(V1);
  });

  it('refuses a feature write before DRIVER', () => {
    const { dev } = makeDevice();
    must(dev.virtio_set_status(ACK));
    expect(mustFail(dev.virtio_set_features(V1)).kind).toBe('invalid-status-transition');
    expect(dev.guest_features).toBe(0n);
  });

  it.each([-1n, 1n << 64n])('refuses feature value %s', (v) => {
    const { dev } = makeDevice();
    must(dev.virtio_set_status(ACK | DRIVER));
    expect(mustFail(dev.virtio_set_features(v)).message).toContain('not a 64-bit feature set');
  });
});

describe('queue configuration', () => {
  it('records size, rings and enable', () => {
    const { dev } = makeDevice();
    negotiate(dev);
    setupQueue(dev, 1, 64);
    expect(dev.vq[1]).toEqual({ num: 64, num_max: 256, addrs: { size: 64, ...RINGS(1) }, enabled: true, queue: null });
    expect(dev.vq[0]!.enabled).toBe(false);
  });

  it.each([0, 3, 512, 1.5, -8])('virtio_queue_set_num refuses size %d', (num) => {
    const { dev } = makeDevice();
    negotiate(dev);
    const e = mustFail(dev.virtio_queue_set_num(0, num));
    expect(e.kind).toBe('invalid-queue-size');
    expect(dev.vq[0]!.num).toBe(256);
  });

  it.each([2, -1, 0.5, NaN])('refuses queue number %d', (n) => {
    const { dev } = makeDevice();
    negotiate(dev);
    for (const r of [
      dev.virtio_queue_set_num(n, 8),
      dev.virtio_queue_set_rings(n, 0, 0, 0),
      dev.virtio_queue_enable(n),
    ]) {
      const e = mustFail(r);
      expect(e.kind).toBe('queue-not-ready');
      expect(e.message).toContain('the device has 2 queue(s)');
    }
  });

  it('refuses queue writes before FEATURES_OK, after enable, and after DRIVER_OK', () => {
    const { dev } = makeDevice();
    must(dev.virtio_set_status(ACK | DRIVER));
    must(dev.virtio_set_features(HOST));
    expect(mustFail(dev.virtio_queue_set_num(0, 8)).message).toContain('after FEATURES_OK');
    must(dev.virtio_set_status(11));
    setupQueue(dev, 0);
    expect(mustFail(dev.virtio_queue_set_num(0, 4)).message).toContain('already enabled');
    expect(mustFail(dev.virtio_queue_enable(0)).kind).toBe('invalid-status-transition');
    must(dev.virtio_set_status(15));
    const e = mustFail(dev.virtio_queue_set_rings(1, 0x1000, 0x2000, 0x3000));
    expect(e.kind).toBe('invalid-status-transition');
    expect(e.message).toContain('DRIVER_OK');
    expect(dev.vq[1]!.addrs).toBeNull();
  });

  it('before any feature write (no VERSION_1 yet) queues need DRIVER', () => {
    const { dev } = makeDevice();
    must(dev.virtio_set_status(ACK));
    expect(mustFail(dev.virtio_queue_set_num(0, 8)).message).toContain('queues are set up after DRIVER');
  });

  it('virtio_queue_set_rings validates alignment and bounds against the current size', () => {
    const { dev, mem } = makeDevice();
    negotiate(dev);
    must(dev.virtio_queue_set_num(0, 8));
    expect(mustFail(dev.virtio_queue_set_rings(0, 0x1008, 0x2000, 0x3000)).kind).toBe('misaligned-ring');
    expect(mustFail(dev.virtio_queue_set_rings(0, 0x1000, 0x2001, 0x3000)).kind).toBe('misaligned-ring');
    expect(mustFail(dev.virtio_queue_set_rings(0, 0x1000, 0x2000, 0x3002)).kind).toBe('misaligned-ring');
    expect(mustFail(dev.virtio_queue_set_rings(0, 0x1000, 0x2000, mem.size - 8)).kind).toBe('memory-out-of-bounds');
    expect(dev.vq[0]!.addrs).toBeNull();
    // A used ring of 6 + 8*8 = 70 bytes fits exactly when it ends 2 bytes short of a 4-aligned end.
    must(dev.virtio_queue_set_rings(0, 0x1000, 0x2000, mem.size - 72));
  });

  it('growing a queue whose rings no longer fit is refused', () => {
    const { dev, mem } = makeDevice();
    negotiate(dev);
    must(dev.virtio_queue_set_num(0, 8));
    must(dev.virtio_queue_set_rings(0, 0x1000, 0x2000, mem.size - 72));
    expect(mustFail(dev.virtio_queue_set_num(0, 16)).kind).toBe('memory-out-of-bounds');
    expect(dev.vq[0]!.num).toBe(8);
    must(dev.virtio_queue_set_num(0, 4));
    expect(dev.vq[0]!.addrs?.size).toBe(4);
  });

  it('enabling a queue whose rings are not set is refused (queue-not-ready)', () => {
    const { dev } = makeDevice();
    negotiate(dev);
    const e = mustFail(dev.virtio_queue_enable(0));
    expect(e.kind).toBe('queue-not-ready');
    expect(dev.vq[0]!.enabled).toBe(false);
  });
});

describe('DRIVER_OK starts the queues', () => {
  it('creates a VirtQueue for each enabled queue only, with the negotiated features', () => {
    const { dev } = makeDevice();
    negotiate(dev, withFeatures(VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX));
    setupQueue(dev, 1, 16);
    expect(dev.queue(1)).toBeNull();
    must(dev.virtio_set_status(15));
    expect(dev.queue(0)).toBeNull();
    const q = dev.queue(1)!;
    expect(q).toBeInstanceOf(VirtQueue);
    expect(q.state.vring).toEqual({ num: 16, ...RINGS(1) });
    expect(q.state.queue_index).toBe(1);
    expect(dev.queue(5)).toBeNull();
  });

  it('passes startIdx through to the queues', () => {
    const { dev, mem } = live({ startIdx: 0xfffe });
    expect(dev.queue(0)!.state.used_idx).toBe(0xfffe);
    expect(mem.load16(RINGS(0).used + 2)).toBe(0xfffe);
  });

  it('passes specChecks through to the queues', () => {
    const spy = vi.spyOn(VirtQueue, 'create');
    live({ specChecks: false });
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ specChecks: false, queueIndex: 0 }));
    spy.mockRestore();
  });

  it('a queue that cannot be created breaks the device (QEMU’s virtio_init_region_cache → virtio_error)', () => {
    const { dev } = makeDevice();
    negotiate(dev);
    setupQueue(dev, 0);
    const bad = someError();
    const spy = vi.spyOn(VirtQueue, 'create').mockReturnValueOnce(err(bad));
    must(dev.virtio_set_status(15));
    spy.mockRestore();
    expect(dev.broken).toBe(true);
    expect(dev.errors).toEqual([bad]);
    expect(dev.vq[0]!.queue).toBeNull();
  });
});

describe('virtio_error', () => {
  it('with VERSION_1 after DRIVER_OK: broken, DEVICE_NEEDS_RESET, ISR |= 3, generation++, config interrupt', () => {
    const { dev, interrupts } = live();
    const e = someError();
    dev.virtio_error(e);
    expect(dev.broken).toBe(true);
    expect(dev.status).toBe(15 | NEEDS_RESET);
    expect(dev.needsReset).toBe(true);
    expect(dev.isr).toBe(VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
    expect(dev.config_generation).toBe(1);
    expect(interrupts).toEqual(['config']);
    expect(dev.errors).toEqual([e]);
    expect(dev.queue(0)).toBeNull();
    expect(dev.vq[0]!.queue).not.toBeNull();
  });

  it('a second error while broken is recorded but raises no further interrupt', () => {
    const { dev, interrupts } = live();
    dev.virtio_error(someError());
    dev.virtio_error(someError());
    expect(dev.errors).toHaveLength(2);
    expect(interrupts).toEqual(['config']);
    expect(dev.config_generation).toBe(2); // QEMU bumps it before virtio_notify_vector() gives up
  });

  it('with VERSION_1 before DRIVER_OK: DEVICE_NEEDS_RESET but no configuration interrupt', () => {
    const { dev, interrupts } = makeDevice();
    negotiate(dev);
    dev.virtio_error(someError());
    expect(dev.status).toBe(11 | NEEDS_RESET);
    expect(dev.isr).toBe(0);
    expect(dev.config_generation).toBe(0);
    expect(interrupts).toEqual([]);
    expect(dev.broken).toBe(true);
  });

  it('without VERSION_1 (legacy): only broken; no NEEDS_RESET bit, no interrupt', () => {
    const { dev, interrupts } = makeDevice();
    must(dev.virtio_set_status(ACK | DRIVER));
    must(dev.virtio_set_features(withFeatures(9)));
    setupQueue(dev, 0);
    must(dev.virtio_set_status(ACK | DRIVER | DRIVER_OK));
    dev.virtio_error(someError());
    expect(dev.broken).toBe(true);
    expect(dev.status).toBe(ACK | DRIVER | DRIVER_OK);
    expect(dev.needsReset).toBe(false);
    expect(dev.isr).toBe(0);
    expect(interrupts).toEqual([]);
    expect(dev.queue(0)).toBeNull();
  });
});

describe('virtio_reset', () => {
  it('clears status, features, queues, ISR and broken; keeps the error history and config', () => {
    const { dev } = live();
    dev.virtio_error(someError());
    dev.config[0] = 7;
    dev.virtio_reset();
    expect(dev.status).toBe(0);
    expect(dev.guest_features).toBe(0n);
    expect(dev.driver_features).toBe(0n);
    expect(dev.broken).toBe(false);
    expect(dev.isr).toBe(0);
    expect(dev.vq.every((q) => q.num === 256 && q.addrs === null && !q.enabled && q.queue === null)).toBe(true);
    expect(dev.errors).toHaveLength(1);
    expect(dev.config[0]).toBe(7);
    // And it can be initialised again.
    negotiate(dev);
    setupQueue(dev, 0);
    must(dev.virtio_set_status(15));
    expect(dev.queue(0)).not.toBeNull();
  });
});

describe('virtio_notify', () => {
  it('raises a queue interrupt when the driver has not suppressed it (no EVENT_IDX)', () => {
    const { dev, interrupts } = live({}, V1);
    expect(dev.virtio_notify(0)).toBe(true);
    expect(dev.isr).toBe(VIRTIO_ISR_QUEUE);
    expect(interrupts).toEqual([0]);
    expect(dev.virtio_isr_read()).toBe(1);
    expect(dev.isr).toBe(0);
  });

  it('does not interrupt when avail.flags has NO_INTERRUPT', () => {
    const { dev, mem, interrupts } = live({}, V1);
    new SplitRing(mem, { size: 8, ...RINGS(0) }).setAvailFlags(VRING_AVAIL_F_NO_INTERRUPT);
    expect(dev.virtio_notify(0)).toBe(false);
    expect(dev.isr).toBe(0);
    expect(interrupts).toEqual([]);
  });

  it('returns false for a queue that is not running', () => {
    const { dev } = live();
    expect(dev.virtio_notify(1)).toBe(false);
    expect(dev.virtio_notify(9)).toBe(false);
  });

  it('a broken device sets the ISR bit but sends nothing (QEMU’s virtio_notify_vector returns early)', () => {
    const { dev, interrupts } = live({}, V1);
    dev.virtio_error(someError());
    dev.virtio_isr_read();
    interrupts.length = 0;
    expect(dev.virtio_notify(0)).toBe(false);
    expect(dev.isr).toBe(VIRTIO_ISR_QUEUE);
    expect(interrupts).toEqual([]);
  });

  it('an error from virtio_should_notify goes to virtio_error', () => {
    const { dev } = live();
    const e = someError();
    vi.spyOn(dev.queue(0)!, 'virtio_should_notify').mockReturnValueOnce(err(e));
    expect(dev.virtio_notify(0)).toBe(false);
    expect(dev.broken).toBe(true);
    expect(dev.errors).toEqual([e]);
    expect(dev.needsReset).toBe(true);
  });

  it('works without an onInterrupt callback', () => {
    const { dev } = live({ onInterrupt: undefined }, V1);
    expect(dev.virtio_notify(0)).toBe(true);
  });
});

describe('virtio_notify_irqfd', () => {
  /** The functions entered, outermost first, as a Tracer sees them. */
  const entered = (): { tracer: Tracer; fns: string[] } => {
    const fns: string[] = [];
    return { fns, tracer: { enter: (fn) => fns.push(fn), leave: () => {}, barrier: () => {} } };
  };

  it('decides as virtio_notify does, under its own name (the IOThread path)', () => {
    const { tracer, fns } = entered();
    const { dev, interrupts } = live({ tracer }, V1);
    fns.length = 0;
    expect(dev.virtio_notify_irqfd(0)).toBe(true);
    expect(dev.isr).toBe(VIRTIO_ISR_QUEUE);
    expect(interrupts).toEqual([0]);
    expect(fns[0]).toBe('virtio_notify_irqfd');
    expect(fns).not.toContain('virtio_notify');
  });

  it('is suppressed by NO_INTERRUPT like virtio_notify, and stays silent for a queue not running', () => {
    const { dev, mem, interrupts } = live({}, V1);
    new SplitRing(mem, { size: 8, ...RINGS(0) }).setAvailFlags(VRING_AVAIL_F_NO_INTERRUPT);
    expect(dev.virtio_notify_irqfd(0)).toBe(false);
    expect(dev.virtio_notify_irqfd(3)).toBe(false);
    expect(interrupts).toEqual([]);
  });
});
