import { virtioError, hex, type VirtioError } from '../errors';
import { featuresToHex, featureBits, type FeatureSet } from '../features';

// The VirtioErrors of device status, feature negotiation and queue set-up. QEMU accepts most of these writes
// silently (virtio_set_status stores any value, virtio_set_features masks), so most are `qemuChecks: false` and
// worded by us after the spec rule they break; the exceptions say so.

const hexStatus = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

export const invalidStatusTransition = (old: number, val: number, reason: string, spec: string): VirtioError =>
  virtioError('invalid-status-transition', {
    message: `device status ${hexStatus(old)} -> ${hexStatus(val)} refused: ${reason}`,
    spec,
    where: 'virtio_set_status',
    side: 'device',
    qemuChecks: false,
    detail: { old, val },
  });

/** The driver wrote feature bits the device never offered (spec §2.2.1). QEMU masks them off and returns -1. */
export const featuresNotOffered = (requested: FeatureSet, host: FeatureSet): VirtioError => {
  const extra = requested & ~host;
  return virtioError('features-not-accepted', {
    message: `Features ${featuresToHex(requested)} unsupported. Allowed features: ${featuresToHex(host)} (bits ${featureBits(extra).join(', ')} not offered)`,
    spec: '2.2.1',
    where: 'virtio_set_features',
    detail: { requested, host, unsupported: extra },
  });
};

/** QEMU's virtio_set_features() returns -EINVAL once FEATURES_OK is set. */
export const featuresAfterFeaturesOk = (requested: FeatureSet): VirtioError =>
  virtioError('features-not-accepted', {
    message: `features ${featuresToHex(requested)} written after FEATURES_OK: negotiation is over until a reset`,
    spec: '3.1.1',
    where: 'virtio_set_features',
    detail: { requested },
  });

export const featuresBeforeDriver = (requested: FeatureSet, status: number): VirtioError =>
  virtioError('invalid-status-transition', {
    message: `features ${featuresToHex(requested)} written with status ${hexStatus(status)}: the driver sets ACKNOWLEDGE and DRIVER first`,
    spec: '3.1.1',
    where: 'virtio_set_features',
    qemuChecks: false,
    detail: { requested, status },
  });

export const featuresNotValid = (reason: string, guest: FeatureSet, host: FeatureSet, qemuChecks: boolean) =>
  virtioError('features-not-accepted', {
    message: `FEATURES_OK not set: ${reason}`,
    spec: '2.2.2',
    where: 'virtio_validate_features',
    qemuChecks,
    detail: { guest, host },
  });

export const noSuchQueue = (n: number, numQueues: number, where: string): VirtioError =>
  virtioError('queue-not-ready', {
    message: `virtqueue ${n} does not exist: the device has ${numQueues} queue(s)`,
    spec: '4.1.4.3',
    where,
    qemuChecks: false,
    detail: { queue: n, numQueues },
  });

export const queueConfigAtWrongTime = (n: number, status: number, reason: string, where: string): VirtioError =>
  virtioError('invalid-status-transition', {
    message: `virtqueue ${n} cannot be configured now (status ${hexStatus(status)}): ${reason}`,
    spec: '3.1.1',
    where,
    qemuChecks: false,
    detail: { queue: n, status },
  });

export const queueRingsNotSet = (n: number): VirtioError =>
  virtioError('queue-not-ready', {
    message: `virtqueue ${n} enabled before its descriptor table, available ring and used ring were set`,
    spec: '4.1.4.3.2',
    where: 'virtio_queue_enable',
    qemuChecks: false,
    detail: { queue: n },
  });

/** Used when a feature value is not a 64-bit unsigned integer at all. */
export const featuresOutOfRange = (requested: FeatureSet): VirtioError =>
  virtioError('features-not-accepted', {
    message: `feature value ${hex(requested)} is not a 64-bit feature set`,
    spec: '2.2',
    where: 'virtio_set_features',
    qemuChecks: false,
    detail: { requested },
  });
