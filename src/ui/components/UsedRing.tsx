import { useSafeId } from './useSafeId';
import { useTranslation } from 'react-i18next';
import { USED_ELEM_SIZE } from '../../virtio/constants';
import { USED_FLAGS, USED_IDX, availEventOffset, usedElemOffset } from '../../virtio/layout';
import { anyChanged, changeStamp } from './changed';
import { ringWindow } from './derive/rings';
import { hex, usedFlagNames } from './format';
import { FlagsField, type RingProps } from './AvailRing';
import { EventField, IndexField, RingLegend, RingSlots, WrapNote, type RingPointer } from './RingSlots';

/** The used ring (device to driver): every element, the published idx and both sides' private copies. */
export function UsedRing({ queue, changed }: RingProps) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const { size, used, driver, device } = queue;
  const base = queue.addrs.used;
  const stamp = changeStamp(changed);
  const pending = ringWindow(driver.last_used_idx, used.idx, size);
  const unpublished = device ? ringWindow(used.idx, device.used_idx, size) : null;
  const pointers: RingPointer[] = [
    { name: 'last_used_idx', short: 'last', side: 'guest', value: driver.last_used_idx },
    { name: 'used.idx', short: 'idx', side: 'mem', value: used.idx },
  ];
  if (device) pointers.push({ name: 'used_idx', short: 'used_idx', side: 'device', value: device.used_idx });
  const slots = used.ring.map((e, slot) => ({
    main: (
      <>
        <span className="vr-used-id">{e.id}</span>
        <span className="vr-used-len">{t('used.len', { len: e.len })}</span>
      </>
    ),
    text: t('used.elemText', { id: e.id, len: e.len }),
    changed: anyChanged(changed, base + usedElemOffset(slot), USED_ELEM_SIZE),
    request: queue.desc[e.id]?.request ?? null,
  }));
  const idxFlash = anyChanged(changed, base + USED_IDX, 2);
  const ahead = unpublished?.entries.length ?? 0;
  return (
    <section className="vr-panel vr-ring vr-used" aria-labelledby={titleId}>
      <h3 id={titleId} className="vr-panel-title">
        {t('used.title', { queue: queue.index })} <span className="vr-sub">{t('used.at', { addr: hex(base, 8) })}</span>
      </h3>
      <p className="vr-lede">{t('used.lede')}</p>
      <dl className="vr-indices">
        <FlagsField
          value={used.flags}
          names={usedFlagNames(used.flags)}
          flash={anyChanged(changed, base + USED_FLAGS, 2)}
        />
        <IndexField
          key={idxFlash ? `i:${stamp}` : 'i'}
          flash={idxFlash}
          name="used.idx"
          side="mem"
          value={used.idx}
          size={size}
          ariaLabel="used.idx"
          emphasis
        />
        {device && (
          <IndexField
            name="used_idx"
            side="device"
            value={device.used_idx}
            size={size}
            note={ahead ? t('used.aheadNote', { count: ahead }) : t('used.inSync')}
          />
        )}
        <IndexField
          name="last_used_idx"
          side="guest"
          value={driver.last_used_idx}
          size={size}
          note={t('used.pendingNote', { count: pending.entries.length })}
        />
        {queue.eventIdx && (
          <EventField
            key={anyChanged(changed, base + availEventOffset(size), 2) ? `e:${stamp}` : 'e'}
            flash={anyChanged(changed, base + availEventOffset(size), 2)}
            name="avail_event"
            value={used.avail_event}
            ariaLabel="avail_event"
            note={t('used.availEventNote', { value: used.avail_event })}
          />
        )}
      </dl>
      <WrapNote windows={[pending, unpublished]} />
      <RingSlots
        size={size}
        label={t('used.slots')}
        slots={slots}
        pointers={pointers}
        pending={pending}
        unpublished={unpublished}
        changed={changed}
      />
      <RingLegend pendingText={t('used.legend.pending')} unpublishedText={t('used.legend.unpublished')} />
    </section>
  );
}
