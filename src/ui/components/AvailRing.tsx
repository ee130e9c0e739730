import { useSafeId } from './useSafeId';
import { useTranslation } from 'react-i18next';
import type { QueueView } from '../../engine/view';
import { AVAIL_ELEM_SIZE } from '../../virtio/constants';
import { AVAIL_FLAGS, AVAIL_IDX, availRingEntryOffset, usedEventOffset } from '../../virtio/layout';
import { anyChanged, changeStamp } from './changed';
import { ringWindow } from './derive/rings';
import { availFlagNames, hex } from './format';
import { EventField, IndexField, RingLegend, RingSlots, WrapNote, type RingPointer } from './RingSlots';

export interface RingProps {
  queue: QueueView;
  /** Guest addresses the current step wrote. */
  changed: Set<number>;
}

export function FlagsField({ value, names, flash }: { value: number; names: string[]; flash: boolean }) {
  const { t } = useTranslation('rings');
  return (
    <div className={`vr-index vr-index-flags ${flash ? 'vr-flash' : ''}`}>
      <dt>
        <code>flags</code> <span className="vr-owner">{t('ring.side.mem')}</span>
      </dt>
      <dd className="vr-flagword">
        <span className="vr-mono">{hex(value, 4)}</span>{' '}
        {names.length ? (
          names.map((n) => (
            <span key={n} className="vr-flag">
              {n}
            </span>
          ))
        ) : (
          <span className="vr-dim">{t('ring.noFlags')}</span>
        )}
      </dd>
    </div>
  );
}

/** The available ring (driver to device): every slot, the published idx and both sides' private copies. */
export function AvailRing({ queue, changed }: RingProps) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const { size, avail, driver, device } = queue;
  const base = queue.addrs.avail;
  const stamp = changeStamp(changed);
  const pending = device ? ringWindow(device.last_avail_idx, avail.idx, size) : null;
  const unpublished = ringWindow(avail.idx, driver.avail_idx_shadow, size);
  const pointers: RingPointer[] = [
    { name: 'avail_idx_shadow', short: 'shadow', side: 'guest', value: driver.avail_idx_shadow },
    { name: 'avail.idx', short: 'idx', side: 'mem', value: avail.idx },
  ];
  if (device) {
    pointers.push({ name: 'last_avail_idx', short: 'last', side: 'device', value: device.last_avail_idx });
    if (device.shadow_avail_idx !== device.last_avail_idx)
      pointers.push({ name: 'shadow_avail_idx', short: 'shadow', side: 'device', value: device.shadow_avail_idx });
  }
  const slots = avail.ring.map((head, slot) => ({
    main: head,
    text: String(head),
    changed: anyChanged(changed, base + availRingEntryOffset(slot), AVAIL_ELEM_SIZE),
    request: queue.desc[head]?.request ?? null,
  }));
  const idxFlash = anyChanged(changed, base + AVAIL_IDX, 2);
  const ahead = unpublished.entries.length;
  return (
    <section className="vr-panel vr-ring vr-avail" aria-labelledby={titleId}>
      <h3 id={titleId} className="vr-panel-title">
        {t('avail.title', { queue: queue.index })}{' '}
        <span className="vr-sub">{t('avail.at', { addr: hex(base, 8) })}</span>
      </h3>
      <p className="vr-lede">{t('avail.lede')}</p>
      <dl className="vr-indices">
        <FlagsField
          value={avail.flags}
          names={availFlagNames(avail.flags)}
          flash={anyChanged(changed, base + AVAIL_FLAGS, 2)}
        />
        <IndexField
          key={idxFlash ? `i:${stamp}` : 'i'}
          flash={idxFlash}
          name="avail.idx"
          side="mem"
          value={avail.idx}
          size={size}
          ariaLabel="avail.idx"
          emphasis
        />
        <IndexField
          name="avail_idx_shadow"
          side="guest"
          value={driver.avail_idx_shadow}
          size={size}
          note={ahead ? t('avail.aheadNote', { count: ahead }) : t('avail.inSync')}
        />
        {device && (
          <IndexField
            name="last_avail_idx"
            side="device"
            value={device.last_avail_idx}
            size={size}
            note={t('avail.pendingNote', { count: pending?.entries.length ?? 0 })}
          />
        )}
        {queue.eventIdx && (
          <EventField
            key={anyChanged(changed, base + usedEventOffset(size), 2) ? `e:${stamp}` : 'e'}
            flash={anyChanged(changed, base + usedEventOffset(size), 2)}
            name="used_event"
            value={avail.used_event}
            ariaLabel="used_event"
            note={t('avail.usedEventNote', { value: avail.used_event })}
          />
        )}
      </dl>
      <WrapNote windows={[pending, unpublished]} />
      <RingSlots
        size={size}
        label={t('avail.slots')}
        slots={slots}
        pointers={pointers}
        pending={pending}
        unpublished={unpublished}
        changed={changed}
      />
      <RingLegend pendingText={t('avail.legend.pending')} unpublishedText={t('avail.legend.unpublished')} />
    </section>
  );
}
