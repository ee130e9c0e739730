import type { ChainView, DescView, QueueView } from '../../engine/view';
import { VRING_DESC_F_INDIRECT } from '../../virtio/constants';
import type { VirtQueueState } from '../../virtio/device/virtQueueState';
import { usableLastAvailIdx } from './status';
import type { RingSnapshot } from './types';

/** What a snapshot cannot know about the device's VirtQueue (QMP does not report it). */
export const SNAPSHOT_UNKNOWN_DEVICE_FIELDS = ['notification', 'broken'] as const;

/** QEMU's VirtQueue fields a vhost device's status leaves out (see QueueStatus.vhost), as the UI names them. */
export type NotReportedDeviceField = 'last_avail_idx' | 'shadow_avail_idx';

/** The fields QEMU did not report: shown as "not reported (vhost)", never as the view's placeholder 0. */
export function snapshotNotReported(s: RingSnapshot): NotReportedDeviceField[] {
  return [
    ...(s.status.last_avail_idx === null ? (['last_avail_idx'] as const) : []),
    ...(s.status.shadow_avail_idx === null ? (['shadow_avail_idx'] as const) : []),
  ];
}

/**
 * The fields that cannot be drawn as positions in the avail ring: those not reported, and a vhost device's
 * last_avail_idx, which QEMU fills with vhost_get_vring_base()'s return code rather than the index.
 */
export function snapshotUndrawable(s: RingSnapshot): NotReportedDeviceField[] {
  const out = snapshotNotReported(s);
  if (usableLastAvailIdx(s.status) === null && !out.includes('last_avail_idx')) out.unshift('last_avail_idx');
  return out;
}

/**
 * Linux's private `vring_virtqueue` is not in a snapshot. QueueView needs the object, so it is filled with this
 * placeholder; every component is told `driverKnown={false}` and draws none of it.
 */
const DRIVER_NOT_CAPTURED: QueueView['driver'] = {
  num: 0,
  free_head: 0,
  num_free: 0,
  avail_idx_shadow: 0,
  avail_flags_shadow: 0,
  last_used_idx: 0,
  num_added: 0,
  event: false,
  indirect: false,
  weak_barriers: false,
  broken: false,
  event_triggered: false,
  free_list: [],
};

/**
 * A snapshot in the shape the simulation's ring components draw (MachineView's QueueView): the bytes as decoded,
 * QEMU's VirtQueue fields as reported, and the outstanding chains (with their indirect tables where captured).
 * `driver` is a placeholder (see above) and `device.notification`/`broken` are unknown; so are the fields
 * snapshotNotReported() names, which hold 0.
 */
export function snapshotQueueView(s: RingSnapshot): QueueView {
  const desc: DescView[] = s.desc.map((d) => ({
    index: d.index,
    addr: d.addr,
    len: d.len,
    flags: d.flags,
    next: d.next,
    // Whether a descriptor is on Linux's free list is driver-private: a snapshot cannot tell.
    free: false,
    head: d.head,
    request: null,
  }));
  // An indirect table is drawn from the captured bytes when they hold it; otherwise it is unreadable, and the
  // snapshot view says why (uncapturedIndirect) instead of the table's entries.
  const chains: ChainView[] = s.outstanding.map((c) => ({
    head: c.head,
    descs: c.descs,
    indirect: c.indirect && {
      via: c.head,
      addr: Number(c.indirect.addr),
      entries: c.indirect.table ?? [],
      readable: c.indirect.table !== null,
    },
    request: null,
  }));
  const st = s.status;
  const device: VirtQueueState = {
    vring: { num: st.vring.num, desc: st.vring.desc, avail: st.vring.avail, used: st.vring.used },
    // Placeholders where QEMU reported nothing (a vhost device): the UI is told (snapshotNotReported) and shows
    // "not reported" instead, as it does for the driver above.
    last_avail_idx: st.last_avail_idx ?? 0,
    shadow_avail_idx: st.shadow_avail_idx ?? 0,
    used_idx: st.used_idx,
    signalled_used: st.signalled_used,
    signalled_used_valid: st.signalled_used_valid,
    inuse: st.inuse,
    notification: true,
    queue_index: st.queue_index,
    broken: false,
  };
  return {
    index: st.queue_index,
    size: s.size,
    addrs: { size: s.size, ...s.addrs },
    // The features are not in a snapshot; the event fields are bytes of the rings either way, so they are drawn.
    eventIdx: true,
    indirect: s.desc.some((d) => (d.flags & VRING_DESC_F_INDIRECT) !== 0),
    desc,
    avail: { ...s.avail, ring: [...s.avail.ring] },
    used: { ...s.used, ring: s.used.ring.map((e) => ({ ...e })) },
    driver: DRIVER_NOT_CAPTURED,
    device,
    chains,
    doorbell: false,
    interrupt: false,
  };
}
