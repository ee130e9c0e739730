import { useTranslation } from 'react-i18next';
import { USED_ELEM_SIZE } from '../../virtio/constants';
import { usedElemOffset } from '../../virtio/layout';
import { anyChanged } from './changed';
import { copyNote } from './copyNote';
import { copyRelation, ringWindow } from './derive/rings';
import { RingPanel, type RingPanelProps, type RingProps } from './RingPanel';
import type { RingPointer } from './RingSlots';
import { useUsedSlotContent } from './usedSlotContent';

/** The used ring (device to driver): every element, the published idx and both sides' private copies. */
export function UsedRing({ queue, changed, driverKnown = true, context, follow }: RingProps) {
  const { t } = useTranslation('rings');
  const { size, used, driver, device } = queue;
  const base = queue.addrs.used;
  const pending = driverKnown ? ringWindow(driver.last_used_idx, used.idx, size) : null;
  const deviceAhead = device ? ringWindow(used.idx, device.used_idx, size) : null;
  // A non-atomic snapshot (driverKnown false) can show the device's copy one behind memory: not 65535 ahead.
  const unpublished = !driverKnown && deviceAhead?.overflow ? null : deviceAhead;
  const pointers: RingPointer[] = [
    { name: 'last_used_idx', short: 'last', side: 'guest', value: driver.last_used_idx },
    { name: 'used.idx', short: 'idx', side: 'mem', value: used.idx },
  ].filter((p) => driverKnown || p.side !== 'guest') as RingPointer[];
  if (device) pointers.push({ name: 'used_idx', short: 'used_idx', side: 'device', value: device.used_idx });
  const content = useUsedSlotContent();
  const slots = used.ring.map((e, slot) => ({
    ...content(e),
    changed: anyChanged(changed, base + usedElemOffset(slot), USED_ELEM_SIZE),
    request: queue.desc[e.id]?.request ?? null,
  }));
  const copies: RingPanelProps['copies'] = [];
  if (device) {
    const note = copyNote(t, 'used', copyRelation(device.used_idx, used.idx, size), used.idx);
    copies.push({ name: 'used_idx', side: 'device', value: device.used_idx, note });
  }
  if (driverKnown) {
    const note = t('used.pendingNote', { count: pending?.entries.length ?? 0 });
    copies.push({ name: 'last_used_idx', side: 'guest', value: driver.last_used_idx, note });
  }
  const row = { slots, pointers, pending, unpublished };
  return (
    <RingPanel
      ring="used"
      queue={queue}
      changed={changed}
      row={row}
      copies={copies}
      context={context}
      follow={follow}
    />
  );
}
