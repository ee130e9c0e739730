import type { AllocationMap } from '../../virtio/allocationMap';
import { VIRTIO_CONFIG_S_FAILED, VIRTIO_RING_F_INDIRECT_DESC } from '../../virtio/constants';
import type { VirtIODevice } from '../../virtio/device/virtioDevice';
import { virtioError, type VirtioError } from '../../virtio/errors';
import { hasFeature, type FeatureSet } from '../../virtio/features';
import type { GuestMemory } from '../../virtio/guestMemory';
import { NO_TRACE, traced, type Tracer } from '../../virtio/trace';
import { virtio_dev_probe, type DriverInitStep } from '../../virtio/transport/virtioDevProbe';
import { err, ok, type Result } from '../../virtio/types';
import { decodeVirtioBlkConfig, type VirtioBlkConfig } from './config';
import { VirtioBlk } from './driver';
import { LINUX_VIRTIO_BLK_DRIVER_FEATURES, VIRTIO_BLK_F_MQ } from './features';

export interface VirtblkProbeOptions {
  device: VirtIODevice;
  mem: GuestMemory;
  allocator: AllocationMap;
  /** What the driver accepts; Linux virtio_blk's table and the modelled ring features by default. */
  wantedFeatures?: FeatureSet;
  /** nr_cpu_ids: Linux uses at most one queue per CPU. Default: no limit. */
  nrCpus?: number;
  /** Ring size to ask for (clamped to the device's maximum); Linux takes the device's maximum. */
  queueSize?: number;
  /** The driver's `queue_depth` module parameter (0: from the ring). */
  queueDepth?: number;
  /** Data segment size (see VirtioBlkDriverOptions.segmentBytes). */
  segmentBytes?: number;
  /** Must match the device's. */
  startIdx?: number;
  tracer?: Tracer;
  notify: (queueIndex: number) => boolean;
}

export interface VirtblkProbed {
  blk: VirtioBlk;
  config: VirtioBlkConfig;
  features: FeatureSet;
  steps: DriverInitStep[];
}

const probeError = (message: string, detail: Record<string, number>): VirtioError =>
  virtioError('queue-not-ready', {
    side: 'driver',
    message,
    spec: '5.2.5',
    where: 'virtblk_probe',
    qemuChecks: false,
    detail,
  });

/**
 * Linux: virtblk_probe() with init_vq(). Reads the config, decides how many queues to use (MQ's num_queues,
 * at most one per CPU), runs the transport's initialisation (features, rings, DRIVER_OK), then builds the
 * driver over the rings. On failure the device is left with FAILED set.
 */
export function virtblk_probe(opts: VirtblkProbeOptions): Result<VirtblkProbed, VirtioError> {
  const tracer = opts.tracer ?? NO_TRACE;
  return traced(tracer, 'virtblk_probe', () => {
    const dev = opts.device;
    const wanted = opts.wantedFeatures ?? LINUX_VIRTIO_BLK_DRIVER_FEATURES;
    const config = decodeVirtioBlkConfig(dev.config);

    // init_vq(): virtio_cread_feature(VIRTIO_BLK_F_MQ, num_queues) reads it only when MQ is offered and wanted.
    let numVqs = 1;
    if (hasFeature(dev.host_features & wanted, VIRTIO_BLK_F_MQ)) {
      if (config.num_queues === 0) {
        return err(probeError('MQ advertised but zero queues reported', { num_queues: 0 }));
      }
      numVqs = config.num_queues;
    }
    numVqs = Math.min(numVqs, opts.nrCpus ?? numVqs, dev.numQueues);
    const size = opts.queueSize ?? dev.vq[0]!.num_max;

    const init = virtio_dev_probe({
      device: dev,
      wantedFeatures: wanted,
      queueSizes: Array.from({ length: numVqs }, () => size),
      allocator: opts.allocator,
      mem: opts.mem,
      tracer,
    });
    if (!init.ok) return err(init.error);

    // Linux's tag set needs at least one tag; without indirect descriptors each request is counted as 2.
    const num = init.queues[0]!.size;
    const depth = opts.queueDepth || (hasFeature(init.features, VIRTIO_RING_F_INDIRECT_DESC) ? num : num >> 1);
    if (depth < 1) {
      dev.virtio_set_status(dev.status | VIRTIO_CONFIG_S_FAILED);
      return err(probeError(`queue depth 0 from a ring of ${num}: blk_mq_alloc_tag_set fails`, { num }));
    }

    const blk = new VirtioBlk({
      mem: opts.mem,
      allocator: opts.allocator,
      features: init.features,
      config,
      queues: init.queues,
      notify: opts.notify,
      tracer,
      zeroRing: false,
      ...(opts.startIdx !== undefined ? { startIdx: opts.startIdx } : {}),
      ...(opts.queueDepth !== undefined ? { queueDepth: opts.queueDepth } : {}),
      ...(opts.segmentBytes !== undefined ? { segmentBytes: opts.segmentBytes } : {}),
    });
    return ok({ blk, config, features: init.features, steps: init.steps });
  });
}
