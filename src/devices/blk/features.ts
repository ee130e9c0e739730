import {
  VIRTIO_F_ANY_LAYOUT,
  VIRTIO_F_NOTIFY_ON_EMPTY,
  VIRTIO_F_RING_RESET,
  VIRTIO_F_VERSION_1,
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
} from '../../virtio/constants';
import { bit, withFeatures, type FeatureSet } from '../../virtio/features';

// virtio-blk feature bits (spec §5.2.3, Linux include/uapi/linux/virtio_blk.h).
export const VIRTIO_BLK_F_BARRIER = 0; // legacy
export const VIRTIO_BLK_F_SIZE_MAX = 1;
export const VIRTIO_BLK_F_SEG_MAX = 2;
export const VIRTIO_BLK_F_GEOMETRY = 4;
export const VIRTIO_BLK_F_RO = 5;
export const VIRTIO_BLK_F_BLK_SIZE = 6;
export const VIRTIO_BLK_F_SCSI = 7; // legacy
/** Linux calls bit 9 VIRTIO_BLK_F_FLUSH in older headers and VIRTIO_BLK_F_WCE in newer ones. */
export const VIRTIO_BLK_F_FLUSH = 9;
export const VIRTIO_BLK_F_WCE = VIRTIO_BLK_F_FLUSH;
export const VIRTIO_BLK_F_TOPOLOGY = 10;
export const VIRTIO_BLK_F_CONFIG_WCE = 11;
export const VIRTIO_BLK_F_MQ = 12;
export const VIRTIO_BLK_F_DISCARD = 13;
export const VIRTIO_BLK_F_WRITE_ZEROES = 14;
export const VIRTIO_BLK_F_LIFETIME = 15;
export const VIRTIO_BLK_F_SECURE_ERASE = 16;
export const VIRTIO_BLK_F_ZONED = 17;

const NAMES: Record<number, string> = {
  [VIRTIO_BLK_F_BARRIER]: 'VIRTIO_BLK_F_BARRIER',
  [VIRTIO_BLK_F_SIZE_MAX]: 'VIRTIO_BLK_F_SIZE_MAX',
  [VIRTIO_BLK_F_SEG_MAX]: 'VIRTIO_BLK_F_SEG_MAX',
  [VIRTIO_BLK_F_GEOMETRY]: 'VIRTIO_BLK_F_GEOMETRY',
  [VIRTIO_BLK_F_RO]: 'VIRTIO_BLK_F_RO',
  [VIRTIO_BLK_F_BLK_SIZE]: 'VIRTIO_BLK_F_BLK_SIZE',
  [VIRTIO_BLK_F_SCSI]: 'VIRTIO_BLK_F_SCSI',
  [VIRTIO_BLK_F_FLUSH]: 'VIRTIO_BLK_F_FLUSH',
  [VIRTIO_BLK_F_TOPOLOGY]: 'VIRTIO_BLK_F_TOPOLOGY',
  [VIRTIO_BLK_F_CONFIG_WCE]: 'VIRTIO_BLK_F_CONFIG_WCE',
  [VIRTIO_BLK_F_MQ]: 'VIRTIO_BLK_F_MQ',
  [VIRTIO_BLK_F_DISCARD]: 'VIRTIO_BLK_F_DISCARD',
  [VIRTIO_BLK_F_WRITE_ZEROES]: 'VIRTIO_BLK_F_WRITE_ZEROES',
  [VIRTIO_BLK_F_LIFETIME]: 'VIRTIO_BLK_F_LIFETIME',
  [VIRTIO_BLK_F_SECURE_ERASE]: 'VIRTIO_BLK_F_SECURE_ERASE',
  [VIRTIO_BLK_F_ZONED]: 'VIRTIO_BLK_F_ZONED',
};

/** The name of a virtio-blk-specific bit (0..23), or undefined for the others. */
export const blkFeatureName = (n: number): string | undefined => NAMES[n];

export interface QemuVirtioBlkOptions {
  /** `num-queues`; more than one adds MQ. QEMU's default, "auto", is one per vCPU. */
  numQueues?: number;
  /** A read-only backend adds RO. */
  readOnly?: boolean;
  /** `cache=writeback` (QEMU's default) adds WCE/FLUSH. */
  writeCache?: boolean;
  /** The `discard`, `write-zeroes`, `config-wce` properties, all on by default. */
  discard?: boolean;
  writeZeroes?: boolean;
  configWce?: boolean;
  /** The transport-level properties `indirect_desc`, `event_idx` (on by default). */
  indirectDesc?: boolean;
  eventIdx?: boolean;
  /**
   * Also offer what QEMU offers that our engine does not model: NOTIFY_ON_EMPTY and ANY_LAYOUT (legacy bits QEMU
   * still sets) and RING_RESET. Off by default, so a driver that accepts everything gets only modelled features.
   */
  legacyAndUnmodelled?: boolean;
}

/**
 * What QEMU's virtio-blk-pci offers a modern driver: the `host_features` properties (config-wce, discard,
 * write-zeroes), what `virtio_blk_get_features` always adds (SEG_MAX, GEOMETRY, TOPOLOGY, BLK_SIZE, and WCE with a
 * write-back cache), RO and MQ when they apply, VERSION_1 from the modern PCI transport, and the ring features of
 * DEFINE_VIRTIO_COMMON_FEATURES.
 */
// QEMU: virtio_blk_get_features(), virtio_blk_properties[], DEFINE_VIRTIO_COMMON_FEATURES
export function qemuVirtioBlkHostFeatures(opts: QemuVirtioBlkOptions = {}): FeatureSet {
  let f = withFeatures(
    VIRTIO_BLK_F_SEG_MAX,
    VIRTIO_BLK_F_GEOMETRY,
    VIRTIO_BLK_F_TOPOLOGY,
    VIRTIO_BLK_F_BLK_SIZE,
    VIRTIO_F_VERSION_1,
  );
  if (opts.configWce ?? true) f |= bit(VIRTIO_BLK_F_CONFIG_WCE);
  if (opts.discard ?? true) f |= bit(VIRTIO_BLK_F_DISCARD);
  if (opts.writeZeroes ?? true) f |= bit(VIRTIO_BLK_F_WRITE_ZEROES);
  if (opts.writeCache ?? true) f |= bit(VIRTIO_BLK_F_WCE);
  if (opts.readOnly) f |= bit(VIRTIO_BLK_F_RO);
  if ((opts.numQueues ?? 1) > 1) f |= bit(VIRTIO_BLK_F_MQ);
  if (opts.indirectDesc ?? true) f |= bit(VIRTIO_RING_F_INDIRECT_DESC);
  if (opts.eventIdx ?? true) f |= bit(VIRTIO_RING_F_EVENT_IDX);
  if (opts.legacyAndUnmodelled) {
    f |= withFeatures(VIRTIO_F_NOTIFY_ON_EMPTY, VIRTIO_F_ANY_LAYOUT, VIRTIO_F_RING_RESET);
  }
  return f;
}

/** A single-queue virtio-blk-pci with QEMU's defaults. */
export const QEMU_VIRTIO_BLK_PCI_FEATURES: FeatureSet = qemuVirtioBlkHostFeatures();

/**
 * What Linux's virtio_blk asks for: its `features[]` table plus the transport features vring accepts that our
 * engine models (VERSION_1, INDIRECT_DESC, EVENT_IDX). The negotiated set is the AND with what the device offers.
 */
// Linux: drivers/block/virtio_blk.c features[], drivers/virtio/virtio_ring.c vring_transport_features()
export const LINUX_VIRTIO_BLK_DRIVER_FEATURES: FeatureSet = withFeatures(
  VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_F_SIZE_MAX,
  VIRTIO_BLK_F_GEOMETRY,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_TOPOLOGY,
  VIRTIO_BLK_F_CONFIG_WCE,
  VIRTIO_BLK_F_MQ,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_WRITE_ZEROES,
  VIRTIO_BLK_F_SECURE_ERASE,
  VIRTIO_BLK_F_ZONED,
  VIRTIO_F_VERSION_1,
  VIRTIO_RING_F_INDIRECT_DESC,
  VIRTIO_RING_F_EVENT_IDX,
);
