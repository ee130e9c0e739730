import { VirtQueue } from '../../virtio/device/virtQueue';
import type { VirtQueueState } from '../../virtio/device/virtQueueState';
import type { VirtIODevice } from '../../virtio/device/virtioDevice';
import type { VirtioError } from '../../virtio/errors';
import type { FeatureSet } from '../../virtio/features';
import type { SplitRingAddrs } from '../../virtio/layout';
import type { Tracer } from '../../virtio/trace';

/** Everything a VirtIODevice holds that changes while it runs, as plain data (guest memory aside). */
export interface VirtIODeviceSaved {
  status: number;
  guest_features: FeatureSet;
  driver_features: FeatureSet;
  broken: boolean;
  isr: number;
  config_generation: number;
  config: Uint8Array;
  errors: VirtioError[];
  vq: { num: number; addrs: SplitRingAddrs | null; enabled: boolean; queue: VirtQueueState | null }[];
}

export function saveVirtIODevice(vdev: VirtIODevice): VirtIODeviceSaved {
  return structuredClone({
    status: vdev.status,
    guest_features: vdev.guest_features,
    driver_features: vdev.driver_features,
    broken: vdev.broken,
    isr: vdev.isr,
    config_generation: vdev.config_generation,
    config: vdev.config,
    errors: [...vdev.errors],
    vq: vdev.vq.map((q) => ({ num: q.num, addrs: q.addrs, enabled: q.enabled, queue: q.queue?.snapshot() ?? null })),
  });
}

/**
 * Puts a saved state back. A queue that must exist is re-created over its rings when it does not (or sits
 * elsewhere), without writing guest memory, then given its saved state.
 */
export function loadVirtIODevice(
  vdev: VirtIODevice,
  saved: VirtIODeviceSaved,
  opts: { tracer?: Tracer; specChecks?: boolean },
): void {
  const s = structuredClone(saved);
  vdev.status = s.status;
  vdev.guest_features = s.guest_features;
  vdev.driver_features = s.driver_features;
  vdev.broken = s.broken;
  vdev.isr = s.isr;
  vdev.config_generation = s.config_generation;
  vdev.config.set(s.config.subarray(0, vdev.config.length));
  vdev.errors.splice(0, vdev.errors.length, ...s.errors);
  s.vq.forEach((q, n) => {
    const live = vdev.vq[n];
    if (!live) return;
    live.num = q.num;
    live.addrs = q.addrs;
    live.enabled = q.enabled;
    if (q.queue === null || q.addrs === null) {
      live.queue = null;
      return;
    }
    const same =
      live.queue !== null &&
      live.queue.ring.addrs.desc === q.addrs.desc &&
      live.queue.ring.addrs.avail === q.addrs.avail &&
      live.queue.ring.addrs.used === q.addrs.used &&
      live.queue.ring.size === q.addrs.size;
    if (!same) {
      live.queue = new VirtQueue({
        mem: vdev.mem,
        addrs: { ...q.addrs },
        features: s.guest_features,
        queueIndex: n,
        ...(opts.tracer ? { tracer: opts.tracer } : {}),
        ...(opts.specChecks !== undefined ? { specChecks: opts.specChecks } : {}),
      });
    }
    live.queue!.restore(q.queue);
  });
}
