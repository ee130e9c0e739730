import { describe, expect, it } from 'vitest';
import { AllocationMap } from '../../virtio/allocationMap';
import { VIRTIO_CONFIG_S_FAILED, VIRTIO_F_VERSION_1 } from '../../virtio/constants';
import { bit } from '../../virtio/features';
import { GuestMemory } from '../../virtio/guestMemory';
import { VirtIOBlock } from './device';
import { DiskImage } from './disk';
import { qemuVirtioBlkHostFeatures } from './features';
import { virtblk_probe } from './probe';

function setup(opts: { numQueues?: number; hostFeatures?: bigint; queueSize?: number } = {}) {
  const mem = GuestMemory.create(1 << 20, false);
  const allocator = new AllocationMap(mem.size);
  const device = new VirtIOBlock({ mem, disk: new DiskImage({ capacitySectors: 32 }), ...opts });
  return { mem, allocator, device, notify: () => true };
}

describe('virtblk_probe', () => {
  it('negotiates, creates the queues, reads the config, and records the steps', () => {
    const s = setup({ numQueues: 2 });
    const r = virtblk_probe({ ...s, device: s.device.vdev });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.blk.num_vqs).toBe(2);
    expect(r.value.config.capacity).toBe(32n);
    expect(r.value.features).toBe(qemuVirtioBlkHostFeatures({ numQueues: 2 }));
    expect(r.value.steps.at(-1)?.action).toBe('set DRIVER_OK');
    expect(s.device.vdev.queue(1)).not.toBeNull();
  });

  it('fails when MQ is offered with zero queues', () => {
    const s = setup({ numQueues: 2 });
    s.device.vdev.config[34] = 0;
    const r = virtblk_probe({ ...s, device: s.device.vdev });
    expect(!r.ok && r.error.message).toBe('MQ advertised but zero queues reported');
  });

  it('passes on the transport error (a legacy-only device)', () => {
    const s = setup({ hostFeatures: qemuVirtioBlkHostFeatures() & ~bit(VIRTIO_F_VERSION_1) });
    const r = virtblk_probe({ ...s, device: s.device.vdev });
    expect(r.ok).toBe(false);
    expect(s.device.vdev.status & VIRTIO_CONFIG_S_FAILED).toBeTruthy();
  });

  it('fails with an empty tag set: a 1-entry ring without indirect descriptors', () => {
    const s = setup({ hostFeatures: qemuVirtioBlkHostFeatures({ indirectDesc: false }) });
    const r = virtblk_probe({ ...s, device: s.device.vdev, queueSize: 1 });
    expect(!r.ok && r.error.message).toMatch(/queue depth 0/);
    expect(s.device.vdev.status & VIRTIO_CONFIG_S_FAILED).toBeTruthy();
  });
});
