/**
 * The device's private view of one split virtqueue, with the field names of QEMU's `struct VirtQueue`
 * (hw/virtio/virtio.c). A plain object, so the engine can copy it into a checkpoint and the UI can draw it.
 */
export interface VirtQueueState {
  /** QEMU's `VRing`: the queue size and where its three parts are. */
  vring: { num: number; desc: number; avail: number; used: number };
  /** Next avail ring entry to pop (free-running u16). */
  last_avail_idx: number;
  /** The `avail.idx` last read from guest memory. */
  shadow_avail_idx: number;
  /** The device's copy of `used.idx`: where the next used element goes. */
  used_idx: number;
  /** `used_idx` at the last interrupt decision (EVENT_IDX). */
  signalled_used: number;
  /** False until a decision was made, or after a flush moved `used_idx` past `signalled_used` unpredictably. */
  signalled_used_valid: boolean;
  /** Elements popped and not yet flushed. */
  inuse: number;
  /** Whether the device wants available-buffer notifications (kicks) from the driver. */
  notification: boolean;
  queue_index: number;
  /**
   * Set when this queue reported a VirtioError, like QEMU's `vdev->broken`: pop and empty then act as QEMU's
   * `virtio_device_disabled()` makes them (nothing to pop) until the device is reset.
   */
  broken: boolean;
}

export function initialVirtQueueState(
  vring: VirtQueueState['vring'],
  queueIndex: number,
  startIdx: number,
): VirtQueueState {
  const idx = startIdx & 0xffff;
  // Values from QEMU's __virtio_queue_reset(), except that the indices may start anywhere (to show wraparound).
  return {
    vring: { ...vring },
    last_avail_idx: idx,
    shadow_avail_idx: idx,
    used_idx: idx,
    signalled_used: 0,
    signalled_used_valid: false,
    inuse: 0,
    notification: true,
    queue_index: queueIndex,
    broken: false,
  };
}

export const copyVirtQueueState = (s: VirtQueueState): VirtQueueState => ({ ...s, vring: { ...s.vring } });
