import { describe, expect, it, vi } from 'vitest';
import { AllocationMap } from '../allocationMap';
import {
  VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
} from '../constants';
import { virtioError } from '../errors';
import { withFeatures, type FeatureSet } from '../features';
import { GuestMemory } from '../guestMemory';
import { availRingBytes, descTableBytes, usedRingBytes } from '../layout';
import { err } from '../types';
import { VirtIODevice } from '../device/virtioDevice';
import { VirtQueue } from '../device/virtQueue';
import { virtio_dev_probe, type DriverInitOptions, type DriverInitResult } from './virtioDevProbe';

const FAILED = 128;
const HOST = withFeatures(VIRTIO_F_VERSION_1, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, 9, 6);
const WANT = withFeatures(VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX, 9, 13);

function setup(over: { memSize?: number; hostFeatures?: FeatureSet; numQueues?: number; queueMaxSize?: number } = {}) {
  const mem = GuestMemory.create(over.memSize ?? 0x40000, false);
  // Garbage everywhere, so the test can see the driver zero its rings.
  new Uint8Array(mem.buffer).fill(0xa5);
  const device = new VirtIODevice({
    mem,
    deviceId: 2,
    name: 'virtio-blk',
    hostFeatures: over.hostFeatures ?? HOST,
    numQueues: over.numQueues ?? 2,
    queueMaxSize: over.queueMaxSize ?? 256,
    config: new Uint8Array(60),
  });
  const allocator = new AllocationMap(mem.size);
  const opts: DriverInitOptions = { device, wantedFeatures: WANT, queueSizes: [128, 1024], allocator, mem };
  return { mem, device, allocator, opts };
}

function expectOk(r: DriverInitResult) {
  if (!r.ok) throw new Error(`probe failed: ${r.error.message}`);
  return r;
}
function expectFail(r: DriverInitResult) {
  if (r.ok) throw new Error('probe should have failed');
  return r;
}

describe('virtio_dev_probe: the happy path', () => {
  it('ends at status 15 with the negotiated features and live queues', () => {
    const { device, opts } = setup();
    const r = expectOk(virtio_dev_probe(opts));
    expect(device.status).toBe(15);
    expect(r.features).toBe(WANT & HOST);
    expect(r.features).toBe(withFeatures(VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX, 9));
    expect(device.guest_features).toBe(r.features);
    expect(r.queues.map((q) => q.size)).toEqual([128, 256]); // 1024 clamped to the device's 256
    for (const [n, q] of r.queues.entries()) {
      expect(device.vq[n]).toMatchObject({ num: q.size, addrs: q, enabled: true });
      expect(device.queue(n)).toBeInstanceOf(VirtQueue);
      expect(device.queue(n)!.state.vring).toEqual({ num: q.size, desc: q.desc, avail: q.avail, used: q.used });
    }
  });

  it('records every step with the status after it, in Linux’s order', () => {
    const { opts } = setup();
    const r = expectOk(virtio_dev_probe(opts));
    const statusOf = (action: string) => r.steps.find((s) => s.action === action)?.status;
    expect(r.steps[0]).toEqual({ status: 0, action: 'reset: write 0 to status', fn: 'vp_reset' });
    expect(statusOf('set ACKNOWLEDGE')).toBe(1);
    expect(statusOf('set DRIVER')).toBe(3);
    expect(statusOf('set FEATURES_OK')).toBe(11);
    expect(statusOf('re-read status: FEATURES_OK kept')).toBe(11);
    expect(r.steps.at(-1)).toEqual({ status: 15, action: 'set DRIVER_OK', fn: 'virtio_device_ready' });
    const order = [
      'set ACKNOWLEDGE',
      'set DRIVER',
      'read device features 0x0000000130000240',
      'write driver features 0x0000000120000200',
      'set FEATURES_OK',
      'vq0: write queue_size 128 (wanted 128, device max 256)',
      'vq0: allocate the ring at 0x1000 (3398 bytes: descriptor table, available ring at 0x1800, used ring at 0x1940)',
      'vq1: write queue_size 256 (wanted 1024, device max 256)',
      'vq0: write 1 to queue_enable',
      'vq1: write 1 to queue_enable',
      'set DRIVER_OK',
    ];
    const at = order.map((a) => r.steps.findIndex((s) => s.action === a));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The driver never clears a bit: each status contains the one before.
    for (let i = 1; i < r.steps.length; i++) {
      const [prev, cur] = [r.steps[i - 1]!.status, r.steps[i]!.status];
      expect(prev & ~cur).toBe(0);
    }
  });

  it('allocates each ring as Linux does: one zeroed page-aligned block, parts labelled, padding kept', () => {
    const { mem, allocator, opts } = setup();
    const r = expectOk(virtio_dev_probe(opts));
    // Per queue: the three parts and the padding before the cache-line-aligned used ring.
    expect(allocator.all()).toHaveLength(8);
    for (const [n, q] of r.queues.entries()) {
      const availEnd = q.avail + availRingBytes(q.size);
      const parts = [
        [q.desc, descTableBytes(q.size), 'desc-table', `vq${n} descriptor table`],
        [q.avail, availRingBytes(q.size), 'avail-ring', `vq${n} available ring`],
        [availEnd, q.used - availEnd, 'other', `vq${n} ring padding (used ring cache-line aligned)`],
        [q.used, usedRingBytes(q.size), 'used-ring', `vq${n} used ring`],
      ] as const;
      expect(q.desc % 4096).toBe(0);
      expect(q.avail).toBe(q.desc + descTableBytes(q.size));
      expect((q.used - q.desc) % 64).toBe(0);
      expect(q.used - availEnd).toBeLessThan(64);
      for (const [addr, size, kind, label] of parts) {
        expect(allocator.regionAt(addr)).toEqual({ start: addr, size, kind, label, queue: n });
        expect(mem.readBytes(addr, size).every((b) => b === 0)).toBe(true);
      }
    }
    expect(r.queues[0]).toEqual({ size: 128, desc: 0x1000, avail: 0x1800, used: 0x1940 });
    // Nothing allocated later lands inside a ring's block (its padding included).
    const status = allocator.allocate(1, 1, 'status-byte', 'status').start;
    for (const q of r.queues) {
      const inBlock = status >= q.desc && status < q.used + usedRingBytes(q.size);
      expect(inBlock).toBe(false);
    }
  });

  it('respects regions already in the map', () => {
    const { allocator, opts } = setup();
    allocator.reserve(0x1000, 0x3000, 'other', 'firmware');
    const r = expectOk(virtio_dev_probe(opts));
    expect(r.queues[0]!.desc).toBe(0x4000);
  });

  it('resets a device left live (and broken) by a previous driver', () => {
    const { device, opts } = setup();
    expectOk(virtio_dev_probe(opts));
    device.virtio_error(
      virtioError('looped-descriptor', { message: 'Looped descriptor', spec: '2.7.5.2', where: 'x' }),
    );
    expect(device.status).toBe(15 | 64);
    const again = expectOk(virtio_dev_probe({ ...opts, queueSizes: [4] }));
    expect(device.status).toBe(15);
    expect(device.broken).toBe(false);
    expect(again.queues).toHaveLength(1);
    expect(device.queue(1)).toBeNull();
  });

  it('reports to a tracer the Linux functions it runs', () => {
    const { opts } = setup();
    const entered: string[] = [];
    expectOk(
      virtio_dev_probe({ ...opts, tracer: { enter: (f) => entered.push(f), leave: () => {}, barrier: () => {} } }),
    );
    for (const fn of ['virtio_dev_probe', 'vp_reset', 'virtio_features_ok', 'vp_modern_find_vqs', 'setup_vq'])
      expect(entered).toContain(fn);
  });
});

describe('virtio_dev_probe: bad inputs change nothing', () => {
  it.each([
    [[], 'queue-not-ready', 'asked for 0 virtqueue(s) but the device has 2'],
    [[8, 8, 8], 'queue-not-ready', 'asked for 3 virtqueue(s)'],
    [[0], 'invalid-queue-size', 'vq0: a queue size of 0'],
    [[8, 3], 'invalid-queue-size', 'vq1: a queue size of 3'],
    [[65536], 'invalid-queue-size', 'a queue size of 65536'],
    [[1.5], 'invalid-queue-size', 'a queue size of 1.5'],
  ])('queueSizes %o', (queueSizes, kind, message) => {
    const { device, allocator, mem, opts } = setup();
    const r = expectFail(virtio_dev_probe({ ...opts, queueSizes }));
    expect(r.error.kind).toBe(kind);
    expect(r.error.side).toBe('driver');
    expect(r.error.message).toContain(message);
    expect(r.steps).toEqual([]);
    expect(device.status).toBe(0);
    expect(allocator.all()).toEqual([]);
    expect(mem.readBytes(0, mem.size).every((b) => b === 0xa5)).toBe(true);
  });

  it('a driver without VERSION_1', () => {
    const { device, opts } = setup();
    const r = expectFail(virtio_dev_probe({ ...opts, wantedFeatures: withFeatures(9) }));
    expect(r.error.kind).toBe('features-not-accepted');
    expect(r.error.message).toContain('lack VIRTIO_F_VERSION_1');
    expect(r.steps).toEqual([]);
    expect(device.status).toBe(0);
  });

  it('memory that is not the device’s, or a map of another size', () => {
    const { opts } = setup();
    const other = GuestMemory.create(0x40000, false);
    expect(expectFail(virtio_dev_probe({ ...opts, mem: other })).error.message).toContain('share one guest memory');
    const wrongMap = new AllocationMap(0x80000);
    expect(expectFail(virtio_dev_probe({ ...opts, allocator: wrongMap })).error.kind).toBe('memory-out-of-bounds');
    expect(wrongMap.all()).toEqual([]);
  });
});

describe('virtio_dev_probe: failures set FAILED and give the rings back', () => {
  it('a device without VERSION_1 (Linux’s vp_finalize_features)', () => {
    const { device, allocator, opts } = setup({ hostFeatures: withFeatures(9) });
    const r = expectFail(virtio_dev_probe(opts));
    expect(r.error.message).toBe('virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1');
    expect(r.error.where).toBe('vp_finalize_features');
    expect(device.status).toBe(3 | FAILED);
    expect(r.steps.at(-1)).toEqual({ status: 0x83, action: 'set FAILED', fn: 'virtio_dev_probe' });
    expect(allocator.all()).toEqual([]);
  });

  it('FEATURES_OK not sticking (the device requires ACCESS_PLATFORM, the driver lacks it)', () => {
    const { device, allocator, opts } = setup({ hostFeatures: HOST | withFeatures(VIRTIO_F_ACCESS_PLATFORM) });
    const r = expectFail(virtio_dev_probe(opts));
    expect(r.error.kind).toBe('features-not-accepted');
    expect(r.error.message).toMatch(/^virtio: device refuses features: 3 \(FEATURES_OK not set: .*ACCESS_PLATFORM/);
    expect(r.error.where).toBe('virtio_features_ok');
    expect(r.steps.map((s) => [s.action, s.status]).slice(-3)).toEqual([
      ['set FEATURES_OK', 3],
      ['re-read status: FEATURES_OK did not stick', 3],
      ['set FAILED', 0x83],
    ]);
    expect(device.status).toBe(0x83);
    expect(allocator.all()).toEqual([]);
  });

  it('running out of guest memory for a ring frees the parts already allocated', () => {
    // Room for queue 0 (size 8: 128 + 22 + 70 bytes) but not for queue 1 (size 256).
    const { device, allocator, opts } = setup({ memSize: 0x1400 });
    allocator.reserve(0x100, 0x10, 'other', 'kept');
    const r = expectFail(virtio_dev_probe({ ...opts, queueSizes: [8, 256] }));
    expect(r.error.kind).toBe('memory-out-of-bounds');
    expect(r.error.message).toContain('vq1: cannot allocate the ring: out of guest memory');
    expect(allocator.all().map((x) => x.label)).toEqual(['kept']);
    expect(device.status).toBe(11 | FAILED);
    expect(device.queue(0)).toBeNull();
  });

  it('a reset that does not read back 0', () => {
    const { device, opts } = setup();
    vi.spyOn(device, 'virtio_reset').mockImplementation(() => {});
    device.status = 1;
    const r = expectFail(virtio_dev_probe(opts));
    expect(r.error.message).toBe('device status reads 0x1 after reset, not 0');
    expect(r.steps.map((s) => s.action)).toEqual(['reset: write 0 to status', 'set FAILED']);
  });

  const failing = virtioError('queue-not-ready', { message: 'refused', spec: '4.1.4.3', where: 'x' });
  it.each([
    ['virtio_set_features', 'write driver features'],
    ['virtio_queue_set_num', 'vq0: write queue_size'],
    ['virtio_queue_set_rings', 'vq0: write queue_desc'],
    ['virtio_queue_enable', 'vq0: write 1 to queue_enable'],
  ] as const)('the device refusing %s', (method, step) => {
    const { device, allocator, opts } = setup();
    vi.spyOn(device, method).mockReturnValue(err(failing));
    const r = expectFail(virtio_dev_probe(opts));
    expect(r.error).toBe(failing);
    expect(r.steps.at(-2)!.action.startsWith(step)).toBe(true);
    expect(r.steps.at(-1)!.action).toBe('set FAILED');
    expect(device.status & FAILED).toBe(FAILED);
    expect(allocator.all()).toEqual([]);
  });

  it('the device refusing DRIVER_OK', () => {
    const { device, allocator, opts } = setup();
    const real = device.virtio_set_status.bind(device);
    vi.spyOn(device, 'virtio_set_status').mockImplementation((v) => (v & 4 ? err(failing) : real(v)));
    const r = expectFail(virtio_dev_probe(opts));
    expect(r.error).toBe(failing);
    expect(device.status).toBe(11 | FAILED);
    expect(allocator.all()).toEqual([]);
  });

  it('rethrows what is not an allocation failure', () => {
    const { allocator, opts } = setup();
    vi.spyOn(allocator, 'allocate').mockImplementation(() => {
      throw new TypeError('bug');
    });
    expect(() => virtio_dev_probe(opts)).toThrow(TypeError);
  });
});
