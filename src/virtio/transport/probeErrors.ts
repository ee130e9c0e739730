import { virtioError, type VirtioError, type VirtioErrorKind } from '../errors';
import { featuresToHex, type FeatureSet } from '../features';

// What the driver side reports while initialising a device. Messages are Linux's dev_err() strings
// (drivers/virtio/virtio.c, virtio_pci_modern.c) where it has one; the input checks are ours.

const driverError = (
  kind: VirtioErrorKind,
  message: string,
  spec: string,
  where: string,
  detail: Record<string, number | string | bigint>,
  qemuChecks = true,
): VirtioError => virtioError(kind, { side: 'driver', message, spec, where, qemuChecks, detail });

/** A bad argument to virtio_dev_probe(): nothing was written to the device. */
export const badQueueCount = (wanted: number, numQueues: number): VirtioError =>
  driverError(
    'queue-not-ready',
    `the driver asked for ${wanted} virtqueue(s) but the device has ${numQueues}`,
    '4.1.4.3',
    'vp_modern_find_vqs',
    { wanted, numQueues },
    false,
  );

export const badWantedQueueSize = (n: number, size: number): VirtioError =>
  driverError(
    'invalid-queue-size',
    `vq${n}: a queue size of ${size} was asked for: it must be a power of 2 from 1 to 32768`,
    '2.7',
    'vring_create_virtqueue_split',
    { queue: n, size },
    false,
  );

export const driverLacksVersion1 = (wanted: FeatureSet): VirtioError =>
  driverError(
    'features-not-accepted',
    `the driver's features ${featuresToHex(wanted)} lack VIRTIO_F_VERSION_1: it cannot drive a modern (virtio 1.x) device`,
    '6.1',
    'virtio_dev_probe',
    { wanted },
    false,
  );

/** Linux's vp_finalize_features() on a modern PCI device that does not offer VERSION_1. */
export const deviceLacksVersion1 = (host: FeatureSet): VirtioError =>
  driverError(
    'features-not-accepted',
    'virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1',
    '6.1',
    'vp_finalize_features',
    { host },
  );

/** Linux's virtio_features_ok() when FEATURES_OK does not read back. */
export const deviceRefusesFeatures = (status: number, cause?: VirtioError): VirtioError =>
  driverError(
    'features-not-accepted',
    `virtio: device refuses features: ${status.toString(16)}${cause ? ` (${cause.message})` : ''}`,
    '3.1.1',
    'virtio_features_ok',
    { status },
  );

/** The device's reset did not read back as 0 (Linux's vp_reset() would wait for it). */
export const resetDidNotComplete = (status: number): VirtioError =>
  driverError(
    'invalid-status-transition',
    `device status reads 0x${status.toString(16)} after reset, not 0`,
    '4.1.4.3.2',
    'vp_reset',
    { status },
  );

/** The ring allocation failed: Linux's vring_create_virtqueue() returning NULL (-ENOMEM). */
export const ringAllocationFailed = (n: number, reason: string): VirtioError =>
  driverError('memory-out-of-bounds', `vq${n}: cannot allocate the ring: ${reason}`, '2.7', 'vring_create_virtqueue', {
    queue: n,
  });

/** The memory map, the memory and the device's memory must all be the same guest memory. */
export const mismatchedMemory = (mapSize: number, memSize: number): VirtioError =>
  driverError(
    'memory-out-of-bounds',
    `the allocator (0x${mapSize.toString(16)} bytes), the memory (0x${memSize.toString(16)} bytes) and the device must share one guest memory`,
    '2.7',
    'virtio_dev_probe',
    { mapSize, memSize },
    false,
  );
