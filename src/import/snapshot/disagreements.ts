import { DESC_SIZE, VRING_DESC_F_INDIRECT } from '../../virtio/constants';
import { u16Sub } from '../../virtio/types';
import { notReportedFields, usableLastAvailIdx } from './status';
import type { Disagreement, DisagreementTip, QueueElement, QueueStatus, RingSnapshot } from './types';

/** Fields compared between the status taken before the dumps and the one taken after. */
const STATUS_FIELDS: [string, (s: QueueStatus) => number | boolean | null][] = [
  ['last-avail-idx', (s) => s.last_avail_idx],
  ['shadow-avail-idx', (s) => s.shadow_avail_idx],
  ['used-idx', (s) => s.used_idx],
  ['signalled-used', (s) => s.signalled_used],
  ['signalled-used-valid', (s) => s.signalled_used_valid],
  ['inuse', (s) => s.inuse],
];

/** Records one disagreement: `message` in English, and `tip`, the same sentence as data for a UI's language. */
type AddDisagreement = (
  kind: Disagreement['kind'],
  field: string,
  reported: unknown,
  actual: unknown,
  message: string,
  tip: DisagreementTip,
) => void;

/** Above 2^48 no x86-64 or arm64 guest has RAM: an address like this is stale memory, not a buffer. */
const PLAUSIBLE_ADDR = 1n << 48n;

/**
 * Where the queries and the bytes tell different stories. A live snapshot is not atomic (the status, the three
 * dumps and the element queries are separate monitor commands while the guest runs), so some of these are
 * expected; they are listed so the reader can judge, never smoothed over.
 */
export function findDisagreements(
  s: Pick<RingSnapshot, 'status' | 'statusAfter' | 'avail' | 'used' | 'desc' | 'size' | 'elements'>,
): Disagreement[] {
  const out: Disagreement[] = [];
  const { status, avail, used } = s;
  const add: AddDisagreement = (kind, field, reported, actual, message, tip) =>
    out.push({ kind, field, reported: String(reported), actual: String(actual), message, tip });
  const after = s.statusAfter ? ` (the status taken after the dumps says ${s.statusAfter.used_idx})` : '';
  if (status.used_idx !== used.idx)
    add(
      'used-idx',
      'used-idx',
      status.used_idx,
      used.idx,
      `used-idx is ${status.used_idx} but used.idx in memory is ${used.idx}${after}`,
      s.statusAfter
        ? { key: 'usedIdxAfter', params: { after: s.statusAfter.used_idx } }
        : { key: 'usedIdx', params: {} },
    );
  if (status.vhost) vhostNote(status, add);
  // A comparison needs its field: a vhost device's status leaves some out (vhostNote says so, once).
  if (status.shadow_avail_idx !== null && status.shadow_avail_idx !== avail.idx)
    add(
      'shadow-avail-idx',
      'shadow-avail-idx',
      status.shadow_avail_idx,
      avail.idx,
      `shadow-avail-idx is ${status.shadow_avail_idx} but avail.idx in memory is ${avail.idx} (the device re-reads avail.idx only when it runs out)`,
      { key: 'shadowAvailIdx', params: {} },
    );
  const window = u16Sub(avail.idx, used.idx);
  const last = usableLastAvailIdx(status);
  if (last !== null && u16Sub(last, used.idx) > window)
    add(
      'last-avail-idx',
      'last-avail-idx',
      last,
      `${used.idx}..${avail.idx}`,
      `last-avail-idx ${last} is outside the window used.idx..avail.idx (${used.idx}..${avail.idx}) in memory`,
      { key: 'lastAvailIdx', params: { used: used.idx, avail: avail.idx } },
    );
  const inuse = last === null ? null : u16Sub(last, used.idx);
  if (inuse !== null && status.inuse !== inuse)
    add(
      'inuse',
      'inuse',
      status.inuse,
      inuse,
      `inuse is ${status.inuse} but last-avail-idx − used.idx in memory is ${inuse}`,
      { key: 'inuse', params: {} },
    );
  if (s.statusAfter) {
    for (const [field, get] of STATUS_FIELDS) {
      const a = get(status);
      const b = get(s.statusAfter);
      if (a !== b)
        add('status-changed', field, a, b, `${field} changed from ${a} to ${b} between the two status queries`, {
          key: 'statusChanged',
          params: {},
        });
    }
  }
  const perElement: Disagreement[] = [];
  const addElement: AddDisagreement = (kind, field, reported, actual, message, tip) =>
    perElement.push({ kind, field, reported: String(reported), actual: String(actual), message, tip });
  for (const e of s.elements) elementDisagreements(e, s, addElement);
  return [...out, ...foldIndexReads(perElement)];
}

/**
 * Said once for a vhost device: which fields QEMU left out (qmp_x_query_virtio_queue_status() reports
 * shadow-avail-idx only without vhost, and last-avail-idx for a vhost queue only as vhost_get_vring_base()'s
 * return code), so the comparisons that need them are not made.
 */
function vhostNote(status: QueueStatus, add: AddDisagreement): void {
  const missing = notReportedFields(status);
  // Field names only, so the sentence's data reads the same in every language.
  const fields = missing.join(', ');
  const copies = `QEMU's used-idx, inuse and signalled-used are its own copies, updated only when vhost stops`;
  if (status.last_avail_idx === null)
    add(
      'not-reported',
      fields,
      'not reported',
      'not compared',
      `QEMU does not report ${fields} for a vhost device (the vhost backend runs the ring), so the comparisons that need them are left out; ${copies}`,
      { key: 'vhostNotReported', params: { fields } },
    );
  else
    add(
      'not-reported',
      `${fields}, last-avail-idx`,
      'not reported',
      'not compared',
      `QEMU does not report ${fields} for a vhost device (the vhost backend runs the ring), and its last-avail-idx ${status.last_avail_idx} is vhost_get_vring_base()'s return code, not the index, so the comparisons that need them are left out; ${copies}`,
      { key: 'vhostNotReportedCode', params: { fields, code: status.last_avail_idx } },
    );
}

/**
 * Element queries run one after another while the guest keeps going, so most of them see a later used.idx than
 * the dump: one line says so with the range, rather than one line per query. Other kinds stay one per element.
 */
function foldIndexReads(list: Disagreement[]): Disagreement[] {
  const out: Disagreement[] = [];
  for (const kind of ['element-avail-idx', 'element-used-idx'] as const) {
    const hits = list.filter((d) => d.kind === kind);
    if (hits.length < 2) {
      out.push(...hits);
      continue;
    }
    const values = hits.map((d) => Number(d.reported));
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const field = hits[0]!.field;
    out.push({
      kind,
      field,
      reported: `${lo}..${hi}`,
      actual: hits[0]!.actual,
      message: `${hits.length} element queries read ${field} from ${lo} to ${hi}; the dump holds ${hits[0]!.actual} (the guest kept going while the queries ran)`,
      tip: { key: 'indexReads', params: { queries: hits.length, lo, hi } },
    });
  }
  return [...list.filter((d) => d.kind !== 'element-avail-idx' && d.kind !== 'element-used-idx'), ...out];
}

function elementDisagreements(
  e: QueueElement,
  s: Pick<RingSnapshot, 'avail' | 'used' | 'desc' | 'size'>,
  add: AddDisagreement,
): void {
  const { avail, used, size } = s;
  const pos = e.availPos;
  const at = pos === null ? 'the element query' : `the element query at avail position ${pos}`;
  const atPos: Record<string, number> = pos === null ? {} : { pos };
  if (pos !== null) {
    const slot = pos % size;
    const head = avail.ring[slot]!;
    if (e.index !== head)
      add(
        'element-head',
        `avail.ring[${slot}]`,
        e.index,
        head,
        `${at} found head ${e.index}; avail.ring[${slot}] in memory holds ${head}`,
        { key: 'elementHead', params: { ...atPos } },
      );
    if (u16Sub(pos, used.idx) >= u16Sub(avail.idx, used.idx)) {
      const garbage = e.descs.filter((d) => d.addr >= PLAUSIBLE_ADDR).map((d) => `0x${d.addr.toString(16)}`);
      // An empty window (used.idx = avail.idx) is said as such: "not in flight (456..456)" read as a range.
      const idle = used.idx === avail.idx;
      const eg = garbage.length ? `, e.g. the impossible address ${garbage.join(', ')}` : '';
      add(
        'element-stale',
        `avail position ${pos}`,
        `head ${e.index}`,
        idle
          ? `no request in flight (used.idx = avail.idx = ${used.idx})`
          : `not in flight (${used.idx}..${avail.idx})`,
        idle
          ? `${at} is not an outstanding request: the ring has no request in flight (used.idx and avail.idx are both ${used.idx}): its chain is whatever that memory holds now${eg}`
          : `${at} is not an outstanding request in memory (used.idx ${used.idx}, avail.idx ${avail.idx}): its chain is whatever that memory holds now${eg}`,
        {
          key: idle
            ? garbage.length
              ? 'elementStaleIdleGarbage'
              : 'elementStaleIdle'
            : garbage.length
              ? 'elementStaleGarbage'
              : 'elementStale',
          params: {
            ...atPos,
            used: used.idx,
            avail: avail.idx,
            ...(garbage.length ? { addrs: garbage.join(', ') } : {}),
          },
        },
      );
    } else if (u16Sub(e.used.idx, used.idx) > u16Sub(pos, used.idx)) {
      add(
        'element-late',
        `avail position ${pos}`,
        `used.idx ${e.used.idx}`,
        `in flight at the dump`,
        // used.idx passing pos proves only that many requests completed, not this one: virtio-blk completes out of
        // order (QEMU's virtqueue_fill() takes any popped element), so this request may still be in flight.
        `${at} ran after used.idx had reached ${e.used.idx}, past this position: the request may have completed, and its chain may already be reused`,
        { key: 'elementLate', params: { ...atPos, reached: e.used.idx } },
      );
    }
  }
  if (e.avail.idx !== avail.idx)
    add(
      'element-avail-idx',
      'avail.idx',
      e.avail.idx,
      avail.idx,
      `${at} read avail.idx ${e.avail.idx}; the dump holds ${avail.idx}`,
      { key: 'elementAvailIdx', params: { ...atPos } },
    );
  if (e.used.idx !== used.idx)
    add(
      'element-used-idx',
      'used.idx',
      e.used.idx,
      used.idx,
      `${at} read used.idx ${e.used.idx}; the dump holds ${used.idx}`,
      { key: 'elementUsedIdx', params: { ...atPos } },
    );
  const d = s.desc[e.index];
  if (d && d.flags & VRING_DESC_F_INDIRECT) {
    const entries = Math.floor(d.len / DESC_SIZE);
    if (entries !== e.descs.length)
      add(
        'element-length',
        `desc[${e.index}].len`,
        e.descs.length,
        entries,
        `${at} lists ${e.descs.length} descriptors; desc[${e.index}] in memory is an indirect table of ${entries}`,
        { key: 'elementLength', params: { ...atPos, desc: e.index } },
      );
  }
}
