import { memo, useEffect, useMemo, useRef, useState, type ReactNode, type UIEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { compileTemplate } from '../i18n/template';
import { changeStamp } from './changed';
import { FieldName } from './FieldName';
import { requestSwatch } from './palette';
import { slotOf, type RingWindow } from './derive/rings';
import { scrollToShow, type Span } from './scrollToShow';

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
  /** Keep the slots the indices point at in view as they move (boxed rings only; see RingProps.follow). */
  follow?: boolean;
}

const NO_POINTERS: readonly RingPointer[] = [];

const samePointers = (a: readonly RingPointer[], b: readonly RingPointer[]): boolean =>
  a.length === b.length &&
  a.every(
    (p, i) => p.name === b[i]!.name && p.value === b[i]!.value && p.side === b[i]!.side && p.short === b[i]!.short,
  );

interface SlotItemProps {
  slot: number;
  main: ReactNode;
  /** The slot's accessible name (its number, value and state), made by the ring for all its slots at once. */
  label: string;
  flash: boolean;
  state: 'unpublished' | 'pending' | 'stale';
  color: string | undefined;
  entryIdx: number | undefined;
  above: readonly RingPointer[];
  below: readonly RingPointer[];
  /** The ring's size, when only some slots are drawn (aria-setsize / aria-posinset). */
  setSize?: number;
}

function PointerTags({ pointers }: { pointers: readonly RingPointer[] }) {
  return pointers.map((p) => (
    <span key={p.name} className={`vr-ptr vr-ptr-${p.side}`} title={p.name}>
      <span className="vr-ptr-full">{p.name}</span>
      <span className="vr-ptr-short">{p.short}</span>
    </span>
  ));
}

/**
 * The classes that mark a slot's box edge with the colour of the tag touching it (the nearest tag above, the
 * nearest below): on a ring that wraps over several lines, a tag between two lines belongs to the box it is joined
 * to, not to the line beyond the gap. Exported for tests.
 */
export function markClasses(above: readonly RingPointer[], below: readonly RingPointer[]): string {
  const top = above[above.length - 1];
  const bottom = below[0];
  return `${top ? ` vr-mark-top vr-mark-top-${top.side}` : ''}${bottom ? ` vr-mark-bottom vr-mark-bottom-${bottom.side}` : ''}`;
}

/** One slot. Memoised: a step re-renders only the slots whose entry, state, colour or pointers changed. */
const SlotItem = memo(
  function SlotItem({ slot, main, label, flash, state, color, entryIdx, above, below, setSize }: SlotItemProps) {
    return (
      <li
        className={`vr-slot vr-slot-${state}${markClasses(above, below)} ${flash ? 'vr-flash' : ''}`}
        style={color ? { ['--vr-req' as string]: color } : undefined}
        aria-label={label}
        aria-setsize={setSize}
        aria-posinset={setSize === undefined ? undefined : slot + 1}
      >
        <div className="vr-ptrs vr-ptrs-above" aria-hidden="true">
          <PointerTags pointers={above} />
        </div>
        <div className="vr-slot-box" aria-hidden="true">
          <span className="vr-slot-no">[{slot}]</span>
          <span className="vr-slot-main">{main}</span>
          <span className="vr-slot-idx">{entryIdx !== undefined ? `#${entryIdx}` : ' '}</span>
        </div>
        <div className="vr-ptrs vr-ptrs-below" aria-hidden="true">
          <PointerTags pointers={below} />
        </div>
      </li>
    );
  },
  (a, b) =>
    a.slot === b.slot &&
    a.main === b.main &&
    a.label === b.label &&
    a.flash === b.flash &&
    a.state === b.state &&
    a.color === b.color &&
    a.entryIdx === b.entryIdx &&
    a.setSize === b.setSize &&
    samePointers(a.above, b.above) &&
    samePointers(a.below, b.below),
);

/**
 * Rings with more slots than this are drawn in a box of their own, at most 40 % of the window high (24rem at most):
 * a 64-slot ring is some 900 px of slots and could not be seen whole on a 1280x720 projector. Rings of 8 or 16 slots
 * are never boxed; a bigger ring that fits under the cap shows no scroll bar and takes no tab stop.
 */
export const RING_BOX_ABOVE = 16;
/**
 * Rings with more slots than this also draw only the lines of slots in view (plus a few either side), so a step at
 * queue size 1024 does not re-render and lay out two thousand slots.
 */
export const RING_VIRTUAL_ABOVE = 64;
/** Lines of slots drawn beyond the visible ones. */
const LINE_OVERSCAN = 3;
/** Extra room a line takes for its pointer tags, besides the tags themselves (their padding). */
const TAG_PAD_PX = 2;

interface RingMetrics {
  cols: number;
  /** Height of a line of slots with no pointer tags, and of one tag. */
  lineH: number;
  tagH: number;
}

/** Grid columns of `.vr-slots-many` (repeat(auto-fill, minmax(4.2rem, 1fr)), column-gap 0.3rem) in `width` px. */
function columnsIn(width: number): number {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return Math.max(1, Math.floor((width + 0.3 * rem) / (4.5 * rem)));
}

type SlotState = SlotItemProps['state'];

/**
 * Each slot's accessible name, with the sentence translated once per language rather than once per slot. The index
 * tags are drawn only (aria-hidden), so the name says which indices point at the slot.
 */
function useSlotLabel(): (slot: number, value: string, state: SlotState, here?: readonly RingPointer[]) => string {
  const { t } = useTranslation('rings');
  return useMemo(() => {
    const label = compileTemplate(t, 'ring.slotLabel', ['slot', 'value', 'state']);
    const pointed = compileTemplate(t, 'ring.slotPointers', ['label', 'names']);
    const states: Record<SlotState, string> = {
      unpublished: t('ring.state.unpublished'),
      pending: t('ring.state.pending'),
      stale: t('ring.state.stale'),
    };
    return (slot, value, state, here) => {
      const text = label({ slot, value, state: states[state] });
      return here?.length ? pointed({ label: text, names: here.map((p) => p.name).join(', ') }) : text;
    };
  }, [t]);
}

/** One ring as a row of slots, with each index pointing at its slot from the side that owns it. */
export function RingSlots({
  size,
  label,
  slots,
  pointers,
  pending,
  unpublished,
  changed,
  follow = true,
}: RingSlotsProps) {
  const slotLabel = useSlotLabel();
  const stamp = changeStamp(changed);
  const pendingIdx = new Map((pending?.entries ?? []).map((e) => [e.slot, e.idx]));
  const unpublishedIdx = new Map((unpublished?.entries ?? []).map((e) => [e.slot, e.idx]));
  const bySlot = new Map<number, RingPointer[]>();
  for (const p of pointers) {
    const at = slotOf(p.value, size);
    bySlot.set(at, [...(bySlot.get(at) ?? []), p]);
  }
  const many = size > 16;
  const boxed = size > RING_BOX_ABOVE;
  const virtual = size > RING_VIRTUAL_ABOVE;
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(384);
  const [metrics, setMetrics] = useState<RingMetrics>({ cols: 8, lineH: 80, tagH: 18 });
  // A boxed ring that is not virtual is its own scroll box (the list itself, so a lesson's outline of the ring's
  // slots is the box on screen). Whether it overflows: only then does it take a tab stop and draw its frame.
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = list.current;
    if (!boxed || virtual || !el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setOverflows(el.scrollHeight > el.clientHeight + 1));
    ro.observe(el);
    return () => ro.disconnect();
  }, [boxed, virtual]);

  useEffect(() => {
    const el = scroller.current;
    if (!virtual || !el || typeof ResizeObserver === 'undefined') return;
    // Measured when the box or the list changes size (after layout), never in the middle of a step: the columns,
    // a line of slots with no tags, and one tag, so the spacers match what the browser drew.
    const ro = new ResizeObserver(() => {
      setViewport(el.clientHeight || 384);
      const ol = list.current;
      const cols = columnsIn(ol?.clientWidth ?? el.clientWidth);
      let plain = 0;
      for (const li of ol?.querySelectorAll<HTMLLIElement>('li.vr-slot') ?? []) {
        if (li.querySelector('.vr-ptr')) continue;
        plain = li.getBoundingClientRect().height;
        break;
      }
      const tag = ol?.querySelector<HTMLElement>('.vr-ptr')?.getBoundingClientRect().height ?? 0;
      setMetrics((m) => {
        const lineH = plain > 0 && Math.abs(plain - m.lineH) > 0.5 ? plain : m.lineH;
        const tagH = tag > 0 && Math.abs(tag + 2 - m.tagH) > 0.5 ? tag + 2 : m.tagH;
        return m.cols === cols && lineH === m.lineH && tagH === m.tagH ? m : { cols, lineH, tagH };
      });
    });
    ro.observe(el);
    if (list.current) ro.observe(list.current);
    return () => ro.disconnect();
  }, [virtual]);

  // Where each line of slots starts: plain lines are all alike; a line with pointer tags is taller by its tags.
  const { cols, lineH, tagH } = metrics;
  const lines = Math.ceil(size / cols);
  // Cheap enough to do each render (at most 1024 lines).
  const tops = virtual ? lineTops() : null;
  function lineTops(): Float64Array {
    const above = new Map<number, number>();
    const below = new Map<number, number>();
    for (const [slot, ps] of bySlot) {
      const line = Math.floor(slot / cols);
      const up = ps.filter((p) => p.side !== 'device').length;
      above.set(line, Math.max(above.get(line) ?? 0, up));
      below.set(line, Math.max(below.get(line) ?? 0, ps.length - up));
    }
    const extra = (n: number | undefined) => (n ? n * tagH + TAG_PAD_PX : 0);
    const top = new Float64Array(lines + 1);
    for (let l = 0; l < lines; l++) top[l + 1] = top[l]! + lineH + extra(above.get(l)) + extra(below.get(l));
    return top;
  }

  let firstLine = 0;
  let lastLine = lines;
  if (tops) {
    while (firstLine < lines - 1 && tops[firstLine + 1]! <= scrollTop) firstLine++;
    lastLine = firstLine;
    while (lastLine < lines && tops[lastLine]! < scrollTop + viewport) lastLine++;
    firstLine = Math.max(0, firstLine - LINE_OVERSCAN);
    lastLine = Math.min(lines, lastLine + LINE_OVERSCAN);
  }
  // A boxed ring keeps the slots its indices point at in view as they move (the entry just published first), so
  // a step, or a lesson's stop that points at the newest entry, does not leave it scrolled out of the box. After
  // paint (an effect, not a layout effect), when the layout it reads is already done: a step forces none.
  const mem = pointers.find((p) => p.side === 'mem');
  // In a virtual ring the lines' places come from measured metrics: follow again once they are measured.
  const measured = virtual ? `|${cols}:${lineH}:${tagH}` : '';
  const followKey =
    boxed && follow ? `${pointers.map((p) => slotOf(p.value, size)).join(',')}|${mem?.value ?? ''}${measured}` : '';
  useEffect(() => {
    const el = virtual ? scroller.current : list.current;
    if (!followKey || !el || !mem) return;
    const spanOf = (slot: number): Span | null => {
      if (tops) {
        const line = Math.floor(slot / cols);
        return { top: tops[line]!, bottom: tops[line + 1]! };
      }
      const li = el.children[slot] as HTMLElement | undefined;
      return li ? { top: li.offsetTop, bottom: li.offsetTop + li.offsetHeight } : null;
    };
    const at = slotOf(mem.value, size);
    const newest = mem.value === 0 ? at : slotOf(mem.value - 1, size);
    const spans = (slots: number[]) => slots.map(spanOf).filter((x): x is Span => x !== null);
    const groups = [
      spans([...pointers.map((p) => slotOf(p.value, size)), newest]),
      spans([newest, at]),
      spans([newest]),
    ];
    const to = scrollToShow(groups, el.scrollTop, el.clientHeight);
    if (to === null) return;
    el.scrollTop = to;
    if (virtual) setScrollTop(el.scrollTop);
    // Only when the indices move: the reader's own scrolling is left alone until then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [followKey]);

  const from = virtual ? firstLine * cols : 0;
  const to = virtual ? Math.min(size, lastLine * cols) : size;

  const items = [];
  for (let slot = from; slot < to; slot++) {
    const s = slots[slot]!;
    const here = bySlot.get(slot);
    const above = here ? here.filter((p) => p.side !== 'device') : NO_POINTERS;
    const below = here ? here.filter((p) => p.side === 'device') : NO_POINTERS;
    const live = pendingIdx.get(slot);
    const draft = unpublishedIdx.get(slot);
    const state = draft !== undefined ? 'unpublished' : live !== undefined ? 'pending' : 'stale';
    const color = state !== 'stale' && s.request !== null ? requestSwatch(s.request).color : undefined;
    items.push(
      <SlotItem
        key={s.changed ? `${slot}:${stamp}` : slot}
        slot={slot}
        main={s.main}
        label={slotLabel(slot, s.text, state, here)}
        flash={s.changed}
        state={state}
        color={color}
        entryIdx={draft ?? live}
        above={above}
        below={below}
        setSize={virtual ? size : undefined}
      />,
    );
  }
  const ownBox = boxed && !virtual;
  const ol = (
    <ol
      ref={list}
      className={`vr-slots ${many ? 'vr-slots-many' : ''}${ownBox ? ' vr-slots-scroll' : ''}`}
      aria-label={label}
      data-overflow={ownBox ? String(overflows) : undefined}
      tabIndex={ownBox && overflows ? 0 : undefined}
    >
      {tops && firstLine > 0 && (
        <li className="vr-slots-spacer" aria-hidden="true" style={{ height: tops[firstLine] }} />
      )}
      {items}
      {tops && lastLine < lines && (
        <li className="vr-slots-spacer" aria-hidden="true" style={{ height: tops[lines]! - tops[lastLine]! }} />
      )}
    </ol>
  );
  if (!virtual) return ol;
  return (
    <div
      className="vr-slots-scroll"
      ref={scroller}
      tabIndex={0}
      role="region"
      aria-label={label}
      onScroll={(e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop)}
    >
      {ol}
    </div>
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
        <FieldName name={name} /> <span className="vr-owner">{t(`ring.side.${side}`)}</span>
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
        <FieldName name={name} /> <span className="vr-owner">{t('ring.side.mem')}</span>
      </dt>
      <dd className="vr-bignum" aria-label={ariaLabel}>
        {value}
      </dd>
      <dd className="vr-note">{note}</dd>
    </div>
  );
}

/** Memoised: its texts are the same strings from step to step, so a step does not render it again. */
export const RingLegend = memo(function RingLegend({
  pendingText,
  unpublishedText,
}: {
  pendingText: string;
  unpublishedText: string;
}) {
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
});

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
