import {
  VIRTIO_F_NOTIFY_ON_EMPTY,
  VIRTIO_F_VERSION_1,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
} from '../../virtio/constants';
import { withFeatures, type FeatureSet } from '../../virtio/features';
import {
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_MQ,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_F_SIZE_MAX,
  VIRTIO_BLK_F_WRITE_ZEROES,
} from '../../devices/blk/features';
import type { FeatureName } from '../scenario/schema';

/** Scenario feature names to bits: the names are the spec's without their VIRTIO_ prefix. */
export const FEATURE_BITS: Record<FeatureName, number> = {
  VERSION_1: VIRTIO_F_VERSION_1,
  RING_INDIRECT_DESC: VIRTIO_RING_F_INDIRECT_DESC,
  RING_EVENT_IDX: VIRTIO_RING_F_EVENT_IDX,
  NOTIFY_ON_EMPTY: VIRTIO_F_NOTIFY_ON_EMPTY,
  BLK_F_SIZE_MAX: VIRTIO_BLK_F_SIZE_MAX,
  BLK_F_SEG_MAX: VIRTIO_BLK_F_SEG_MAX,
  BLK_F_BLK_SIZE: VIRTIO_BLK_F_BLK_SIZE,
  BLK_F_FLUSH: VIRTIO_BLK_F_FLUSH,
  BLK_F_MQ: VIRTIO_BLK_F_MQ,
  BLK_F_DISCARD: VIRTIO_BLK_F_DISCARD,
  BLK_F_WRITE_ZEROES: VIRTIO_BLK_F_WRITE_ZEROES,
  BLK_F_RO: VIRTIO_BLK_F_RO,
};

export const featureSetOf = (names: readonly FeatureName[]): FeatureSet =>
  withFeatures(...names.map((n) => FEATURE_BITS[n]));
