import type { DeviceVhostStatus, QueueStatus, VhostDecision } from './types';

/**
 * Whether vhost runs the ring. x-query-virtio-status says it outright (`vhost-started`, VirtIODevice.vhost_started;
 * QEMU adds `vhost-dev` only while it is true: qmp_x_query_virtio_status()); without that answer it is inferred from
 * the queue status, which has `shadow-avail-idx` exactly when vhost has not started
 * (qmp_x_query_virtio_queue_status()). `status.vhost` holds the inference when this is called.
 */
export function decideVhost(status: QueueStatus, device: DeviceVhostStatus | null): VhostDecision {
  const inferred = status.vhost;
  const dev = device?.vhost_dev ?? null;
  const queueInVhostDev = dev
    ? status.queue_index >= dev.vq_index && status.queue_index < dev.vq_index + dev.nvqs
    : null;
  if (device && device.vhost_started !== null)
    return { vhost: device.vhost_started, by: 'vhost-started', inferred, device, queueInVhostDev };
  if (dev) return { vhost: true, by: 'vhost-dev', inferred, device, queueInVhostDev };
  return { vhost: inferred, by: 'missing-fields', inferred, device, queueInVhostDev };
}
