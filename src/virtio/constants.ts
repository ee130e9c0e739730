// Values from the virtio 1.x spec (§2.7, §2.1, §6) and Linux's include/uapi/linux/virtio_{ring,config}.h.

/** Descriptor flags (spec §2.7.5). */
export const VRING_DESC_F_NEXT = 1;
export const VRING_DESC_F_WRITE = 2;
export const VRING_DESC_F_INDIRECT = 4;

/** `avail.flags` (spec §2.7.6). */
export const VRING_AVAIL_F_NO_INTERRUPT = 1;
/** `used.flags` (spec §2.7.8). */
export const VRING_USED_F_NO_NOTIFY = 1;

/** Device-independent feature bits (spec §6). */
export const VIRTIO_F_NOTIFY_ON_EMPTY = 24;
export const VIRTIO_F_ANY_LAYOUT = 27;
export const VIRTIO_RING_F_INDIRECT_DESC = 28;
export const VIRTIO_RING_F_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;
export const VIRTIO_F_ACCESS_PLATFORM = 33;
export const VIRTIO_F_RING_PACKED = 34;
export const VIRTIO_F_IN_ORDER = 35;
export const VIRTIO_F_ORDER_PLATFORM = 36;
export const VIRTIO_F_SR_IOV = 37;
export const VIRTIO_F_NOTIFICATION_DATA = 38;
export const VIRTIO_F_RING_RESET = 40;

/** Device status bits (spec §2.1). Linux spells them VIRTIO_CONFIG_S_*. */
export const VIRTIO_CONFIG_S_ACKNOWLEDGE = 1;
export const VIRTIO_CONFIG_S_DRIVER = 2;
export const VIRTIO_CONFIG_S_DRIVER_OK = 4;
export const VIRTIO_CONFIG_S_FEATURES_OK = 8;
export const VIRTIO_CONFIG_S_SUSPEND = 16;
export const VIRTIO_CONFIG_S_NEEDS_RESET = 64;
export const VIRTIO_CONFIG_S_FAILED = 128;

/** Largest split-queue size the spec allows (§2.7). */
export const VIRTQUEUE_SPEC_MAX_SIZE = 32768;
/** QEMU's cap on a queue's size, and on the iovecs of one element (include/hw/virtio/virtio.h). */
export const VIRTQUEUE_MAX_SIZE = 1024;

/** Legacy (pre-1.0) ring alignment on PCI (spec §2.7.2). */
export const VIRTIO_PCI_VRING_ALIGN = 4096;

/** Size in bytes of one descriptor, avail ring entry and used ring element. */
export const DESC_SIZE = 16;
export const AVAIL_ELEM_SIZE = 2;
export const USED_ELEM_SIZE = 8;
