import type { VirtIOBlockOptions } from '../../devices/blk/device';
import type { DiskImage } from '../../devices/blk/disk';
import { qemuVirtioBlkHostFeatures } from '../../devices/blk/features';
import type { FeatureSet } from '../../virtio/features';
import type { GuestMemory } from '../../virtio/guestMemory';
import type { Tracer } from '../../virtio/trace';
import type { Scenario } from '../scenario/schema';

/** The virtio-blk device a scenario describes: QEMU's defaults plus the features it asks for. */
export function blkDeviceOptions(
  scenario: Scenario,
  seed: number,
  parts: { mem: GuestMemory; disk: DiskImage; wanted: FeatureSet; tracer: Tracer },
): VirtIOBlockOptions {
  const queues = scenario.queue.count;
  const latency = scenario.device.latency;
  return {
    mem: parts.mem,
    disk: parts.disk,
    numQueues: queues,
    queueSize: scenario.queue.size,
    hostFeatures: qemuVirtioBlkHostFeatures({ numQueues: queues }) | parts.wanted,
    latency: Array.isArray(latency)
      ? { kind: 'range', min: latency[0], max: latency[1] }
      : { kind: 'fixed', ticks: latency },
    order: scenario.device.completionOrder,
    seed,
    serial: 'virtio-viz',
    // The requests table shows the last few; more would only make checkpoints heavier.
    maxRecords: 64,
    startIdx: scenario.queue.startIndex,
    tracer: parts.tracer,
    // Every queue is served by an IOThread (device.iothreads >= 1), so completions notify through irqfd.
    iothread: true,
  };
}
