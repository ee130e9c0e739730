import { useTranslation } from 'react-i18next';
import type { QueueView } from '../../engine/view';
import { AVAIL_FLAGS, AVAIL_IDX, USED_FLAGS, USED_IDX, availEventOffset, usedEventOffset } from '../../virtio/layout';
import { anyChanged, changeStamp } from './changed';
import { availFlagNames, hex, usedFlagNames } from './format';
import { useSafeId } from './useSafeId';
import {
  EventField,
  IndexField,
  RingLegend,
  RingSlots,
  WrapNote,
  type IndexFieldProps,
  type RingSlotsProps,
} from './RingSlots';

export interface RingProps {
  queue: QueueView;
  /** Guest addresses the current step wrote. */
  changed: Set<number>;
  /** False for a real VM's snapshot: the driver's private indices were not captured, so none are drawn. */
  driverKnown?: boolean;
  /**
   * Whose ring this is (e.g. one of two snapshots side by side), shown after the title and put in the ring's
   * landmark names, so two rings of the same queue on one page never share a name.
   */
  context?: string;
  /**
   * Whether a boxed ring scrolls to keep its indices in view as they move (default true). Off while free-running:
   * the indices race past every sample, and re-drawing the box's window each time cost the page its frames.
   */
  follow?: boolean;
}

function FlagsField({ value, names, flash }: { value: number; names: string[]; flash: boolean }) {
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

/** What differs between the two rings' fixed fields: where they sit, what the event index is called. */
const RINGS = {
  avail: { flagsAt: AVAIL_FLAGS, idxAt: AVAIL_IDX, eventAt: usedEventOffset, flagNames: availFlagNames },
  used: { flagsAt: USED_FLAGS, idxAt: USED_IDX, eventAt: availEventOffset, flagNames: usedFlagNames },
};

/** The EVENT_IDX field at the ring's end and its note's text key. */
function eventField(ring: 'avail' | 'used', queue: QueueView) {
  return ring === 'avail'
    ? { name: 'used_event', value: queue.avail.used_event, note: 'avail.usedEventNote' }
    : { name: 'avail_event', value: queue.used.avail_event, note: 'used.availEventNote' };
}

export interface RingPanelProps extends RingProps {
  /** Which ring: also the prefix of its text keys, its class and the name of its published index. */
  ring: 'avail' | 'used';
  /** The ring's slots and the indices pointing into them. */
  row: Pick<RingSlotsProps, 'slots' | 'pointers' | 'pending' | 'unpublished'>;
  /** The private copies of the index, in the order each ring shows them. */
  copies: Omit<IndexFieldProps, 'size'>[];
}

/** The frame both rings share: title, flags, published index, private copies, event index, slots and legend. */
export function RingPanel({ ring, queue, changed, row, copies, context, follow = true }: RingPanelProps) {
  const { t } = useTranslation('rings');
  const titleId = useSafeId();
  const stamp = changeStamp(changed);
  const { size } = queue;
  const base = queue.addrs[ring];
  const { flags, idx } = queue[ring];
  const at = RINGS[ring];
  const event = eventField(ring, queue);
  const whose = context ? ` · ${context}` : '';
  const idxFlash = anyChanged(changed, base + at.idxAt, 2);
  const eventFlash = anyChanged(changed, base + at.eventAt(size), 2);
  return (
    <section className={`vr-panel vr-ring vr-${ring}`} aria-labelledby={titleId}>
      <h3 id={titleId} className="vr-panel-title">
        {t(`${ring}.title`, { queue: queue.index })}{' '}
        <span className="vr-sub">
          {t(`${ring}.at`, { addr: hex(base, 8) })}
          {whose}
        </span>
      </h3>
      <p className="vr-lede">{t(`${ring}.lede`)}</p>
      <dl className="vr-indices">
        <FlagsField value={flags} names={at.flagNames(flags)} flash={anyChanged(changed, base + at.flagsAt, 2)} />
        <IndexField
          key={idxFlash ? `i:${stamp}` : 'i'}
          flash={idxFlash}
          name={`${ring}.idx`}
          side="mem"
          value={idx}
          size={size}
          ariaLabel={`${ring}.idx`}
          emphasis
        />
        {copies.map((c) => (
          <IndexField key={c.name} {...c} size={size} />
        ))}
        {queue.eventIdx && (
          <EventField
            key={eventFlash ? `e:${stamp}` : 'e'}
            flash={eventFlash}
            name={event.name}
            value={event.value}
            ariaLabel={event.name}
            note={t(event.note, { value: event.value })}
          />
        )}
      </dl>
      <WrapNote windows={[row.pending, row.unpublished]} />
      <RingSlots size={size} label={t(`${ring}.slots`) + whose} changed={changed} follow={follow} {...row} />
      <RingLegend pendingText={t(`${ring}.legend.pending`)} unpublishedText={t(`${ring}.legend.unpublished`)} />
    </section>
  );
}
