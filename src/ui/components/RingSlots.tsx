import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { changeStamp } from './changed';
import { requestSwatch } from './palette';
import { slotOf, type RingWindow } from './derive/rings';

/** Whose index a pointer is: the driver's private copy, the one in guest memory, or the device's private copy. */
export type PointerSide = 'guest' | 'mem' | 'device';

export interface RingPointer {
  name: string;
  /** What the tag on a slot says when slots are narrow (big rings). */
  short: string;
  side: PointerSide;
  value: number;
}

export interface SlotContent {
  /** What the slot holds, drawn big. */
  main: ReactNode;
  /** Accessible text for the slot's value. */
  text: string;
  /** Guest addresses of the slot's bytes, to flash it when the step wrote there. */
  changed: boolean;
  /** The request whose chain the slot refers to, while it is in flight. */
  request: number | null;
}

export interface RingSlotsProps {
  size: number;
  label: string;
  slots: SlotContent[];
  pointers: RingPointer[];
  /** Entries one side has made visible and the other has not consumed yet (drawn solid). */
  pending: RingWindow | null;
  /** Entries written but not yet published by the index in memory (drawn dashed). */
  unpublished: RingWindow | null;
  changed: Set<number>;
}

/** One ring as a row of slots, with each index pointing at its slot from the side that owns it. */
export function RingSlots({ size, label, slots, pointers, pending, unpublished, changed }: RingSlotsProps) {
  const { t } = useTranslation('rings');
  const stamp = changeStamp(changed);
  const pendingIdx = new Map((pending?.entries ?? []).map((e) => [e.slot, e.idx]));
  const unpublishedIdx = new Map((unpublished?.entries ?? []).map((e) => [e.slot, e.idx]));
  const many = size > 16;
  return (
    <ol className={`vr-slots ${many ? 'vr-slots-many' : ''}`} aria-label={label}>
      {slots.map((s, slot) => {
        const here = pointers.filter((p) => slotOf(p.value, size) === slot);
        const above = here.filter((p) => p.side !== 'device');
        const below = here.filter((p) => p.side === 'device');
        const live = pendingIdx.get(slot);
        const draft = unpublishedIdx.get(slot);
        const state = draft !== undefined ? 'unpublished' : live !== undefined ? 'pending' : 'stale';
        const color = state !== 'stale' && s.request !== null ? requestSwatch(s.request).color : undefined;
        const entryIdx = draft ?? live;
        return (
          <li
            key={s.changed ? `${slot}:${stamp}` : slot}
            className={`vr-slot vr-slot-${state} ${s.changed ? 'vr-flash' : ''}`}
            style={color ? { ['--vr-req' as string]: color } : undefined}
            aria-label={t('ring.slotLabel', { slot, value: s.text, state: t(`ring.state.${state}`) })}
          >
            <div className="vr-ptrs vr-ptrs-above" aria-hidden="true">
              {above.map((p) => (
                <span key={p.name} className={`vr-ptr vr-ptr-${p.side}`} title={p.name}>
                  <span className="vr-ptr-full">{p.name}</span>
                  <span className="vr-ptr-short">{p.short}</span>
                </span>
              ))}
            </div>
            <div className="vr-slot-box" aria-hidden="true">
              <span className="vr-slot-no">[{slot}]</span>
              <span className="vr-slot-main">{s.main}</span>
              <span className="vr-slot-idx">{entryIdx !== undefined ? `#${entryIdx}` : ' '}</span>
            </div>
            <div className="vr-ptrs vr-ptrs-below" aria-hidden="true">
              {below.map((p) => (
                <span key={p.name} className={`vr-ptr vr-ptr-${p.side}`} title={p.name}>
                  <span className="vr-ptr-full">{p.name}</span>
                  <span className="vr-ptr-short">{p.short}</span>
                </span>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export interface IndexFieldProps {
  name: string;
  side: PointerSide;
  value: number;
  size: number;
  /** The aria-label for the value (only for values with a unique name on the page). */
  ariaLabel?: string;
  note?: string;
  emphasis?: boolean;
  /** The current step wrote it. */
  flash?: boolean;
}

/** An index as a big number with whose it is, and the slot it points to with the arithmetic. */
export function IndexField({ name, side, value, size, ariaLabel, note, emphasis, flash }: IndexFieldProps) {
  const { t } = useTranslation('rings');
  return (
    <div className={`vr-index vr-index-${side} ${emphasis ? 'vr-index-emph' : ''} ${flash ? 'vr-flash' : ''}`}>
      <dt>
        <code>{name}</code> <span className="vr-owner">{t(`ring.side.${side}`)}</span>
      </dt>
      <dd className="vr-bignum" aria-label={ariaLabel}>
        {value}
      </dd>
      <dd className="vr-arith">{t('ring.arith', { idx: value, size, slot: slotOf(value, size) })}</dd>
      {note && <dd className="vr-note">{note}</dd>}
    </div>
  );
}

/** The event index the other side reads (EVENT_IDX): a value, not a pointer into this ring. */
export function EventField({
  name,
  value,
  ariaLabel,
  note,
  flash,
}: {
  name: string;
  value: number;
  ariaLabel: string;
  note: string;
  flash?: boolean;
}) {
  const { t } = useTranslation('rings');
  return (
    <div className={`vr-index vr-index-event ${flash ? 'vr-flash' : ''}`}>
      <dt>
        <code>{name}</code> <span className="vr-owner">{t('ring.side.mem')}</span>
      </dt>
      <dd className="vr-bignum" aria-label={ariaLabel}>
        {value}
      </dd>
      <dd className="vr-note">{note}</dd>
    </div>
  );
}

export function RingLegend({ pendingText, unpublishedText }: { pendingText: string; unpublishedText: string }) {
  const { t } = useTranslation('rings');
  return (
    <ul className="vr-legend">
      <li>
        <span className="vr-key vr-slot-pending" aria-hidden="true" />
        {pendingText}
      </li>
      <li>
        <span className="vr-key vr-slot-unpublished" aria-hidden="true" />
        {unpublishedText}
      </li>
      <li>
        <span className="vr-key vr-slot-stale" aria-hidden="true" />
        {t('ring.legend.stale')}
      </li>
      <li>
        <span className="vr-ptr vr-ptr-guest">▼ {t('ring.side.guest')}</span>
      </li>
      <li>
        <span className="vr-ptr vr-ptr-mem">▼ {t('ring.side.mem')}</span>
      </li>
      <li>
        <span className="vr-ptr vr-ptr-device">▲ {t('ring.side.device')}</span>
      </li>
    </ul>
  );
}

export function WrapNote({ windows }: { windows: (RingWindow | null)[] }) {
  const { t } = useTranslation('rings');
  const wraps = windows.some((w) => w?.wraps);
  const overflow = windows.some((w) => w?.overflow);
  if (!wraps && !overflow) return null;
  return (
    <>
      {wraps && <p className="vr-wrap-note">{t('ring.wraps')}</p>}
      {overflow && (
        <p className="vr-warn" role="note">
          {t('ring.overflow')}
        </p>
      )}
    </>
  );
}
