import { useTranslation } from 'react-i18next';
import { AVAIL_ELEM_SIZE } from '../../virtio/constants';
import { availRingEntryOffset } from '../../virtio/layout';
import { anyChanged } from './changed';
import { copyNote } from './copyNote';
import { copyRelation, ringWindow } from './derive/rings';
import { RingPanel, type RingPanelProps, type RingProps } from './RingPanel';
import type { RingPointer } from './RingSlots';

/** The available ring (driver to device): every slot, the published idx and both sides' private copies. */
export function AvailRing({
  queue,
  changed,
  driverKnown = true,
  context,
  follow,
  deviceUndrawable = [],
}: RingProps & {
  /** Device indices a real VM's snapshot does not give as positions (a vhost device): not drawn. */
  deviceUndrawable?: readonly ('last_avail_idx' | 'shadow_avail_idx')[];
}) {
  const { t } = useTranslation('rings');
  const { size, avail, driver } = queue;
  const base = queue.addrs.avail;
  // Without last_avail_idx there is no device position to draw: neither its pointers nor the pending window.
  const device = deviceUndrawable.includes('last_avail_idx') ? null : queue.device;
  const offered = device ? ringWindow(device.last_avail_idx, avail.idx, size) : null;
  // A non-atomic snapshot (driverKnown false) can show last_avail_idx past avail.idx: not a 65535-entry window.
  const pending = !driverKnown && offered?.overflow ? null : offered;
  const unpublished = driverKnown ? ringWindow(avail.idx, driver.avail_idx_shadow, size) : null;
  const pointers: RingPointer[] = [
    { name: 'avail_idx_shadow', short: 'shadow', side: 'guest', value: driver.avail_idx_shadow },
    { name: 'avail.idx', short: 'idx', side: 'mem', value: avail.idx },
  ].filter((p) => driverKnown || p.side !== 'guest') as RingPointer[];
  if (device) {
    pointers.push({ name: 'last_avail_idx', short: 'last', side: 'device', value: device.last_avail_idx });
    if (!deviceUndrawable.includes('shadow_avail_idx') && device.shadow_avail_idx !== device.last_avail_idx)
      pointers.push({ name: 'shadow_avail_idx', short: 'shadow', side: 'device', value: device.shadow_avail_idx });
  }
  const slots = avail.ring.map((head, slot) => ({
    main: head,
    text: String(head),
    changed: anyChanged(changed, base + availRingEntryOffset(slot), AVAIL_ELEM_SIZE),
    request: queue.desc[head]?.request ?? null,
  }));
  const copies: RingPanelProps['copies'] = [];
  if (driverKnown)
    copies.push({
      name: 'avail_idx_shadow',
      side: 'guest',
      value: driver.avail_idx_shadow,
      note: copyNote(t, 'avail', copyRelation(driver.avail_idx_shadow, avail.idx, size), avail.idx),
    });
  if (device) {
    const note = t('avail.pendingNote', { count: pending?.entries.length ?? 0 });
    copies.push({ name: 'last_avail_idx', side: 'device', value: device.last_avail_idx, note });
  }
  const row = { slots, pointers, pending, unpublished };
  return (
    <RingPanel
      ring="avail"
      queue={queue}
      changed={changed}
      row={row}
      copies={copies}
      context={context}
      follow={follow}
    />
  );
}
