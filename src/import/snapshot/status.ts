import type { ElementDesc, QueueElement, QueueStatus } from './types';

/** A field that is missing or of the wrong type, by its QMP name. */
export class FieldError {
  constructor(
    readonly field: string,
    readonly message: string,
    /** The field is absent: its line is that of the object it is missing from. */
    readonly missing = false,
  ) {}
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Big integers were kept as strings (see parseJsonKeepingBigInts); small ones are numbers. */
function uint(o: Obj, key: string, max: number): number {
  const v = o[key];
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max)
    throw new FieldError(
      key,
      v === undefined
        ? `"${key}" is missing`
        : `"${key}" must be an integer from 0 to ${max}, got ${JSON.stringify(v)}`,
      v === undefined,
    );
  return n;
}
function optUint(o: Obj, key: string, max: number): number | null {
  return o[key] === undefined ? null : uint(o, key, max);
}
function bool(o: Obj, key: string): boolean {
  const v = o[key];
  // QEMU before 7.0 typed signalled-used-valid as uint16.
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw new FieldError(
    key,
    v === undefined ? `"${key}" is missing` : `"${key}" must be true or false, got ${JSON.stringify(v)}`,
    v === undefined,
  );
}
function big(v: unknown, key: string): bigint {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new FieldError(key, `"${key}" must be an unsigned integer, got ${JSON.stringify(v) ?? 'nothing'}`);
}

const U16 = 0xffff;
const U32 = 0xffffffff;
const ADDR = Number.MAX_SAFE_INTEGER;

/** QEMU's VirtQueueStatus (qmp_x_query_virtio_queue_status) into our shape. Throws FieldError. */
export function statusFromQmp(o: unknown): QueueStatus {
  if (!isObj(o)) throw new FieldError('return', 'the status is not a JSON object');
  return {
    name: typeof o['name'] === 'string' ? o['name'] : '',
    queue_index: uint(o, 'queue-index', U16),
    inuse: uint(o, 'inuse', U32),
    vring: {
      num: uint(o, 'vring-num', U32),
      num_default: optUint(o, 'vring-num-default', U32),
      align: optUint(o, 'vring-align', U32),
      desc: uint(o, 'vring-desc', ADDR),
      avail: uint(o, 'vring-avail', ADDR),
      used: uint(o, 'vring-used', ADDR),
    },
    // Optional in qapi/virtio.json: a vhost device's status leaves them out (see QueueStatus). A field that is
    // there must still be a u16.
    last_avail_idx: optUint(o, 'last-avail-idx', U16),
    shadow_avail_idx: optUint(o, 'shadow-avail-idx', U16),
    vhost: o['shadow-avail-idx'] === undefined,
    used_idx: uint(o, 'used-idx', U16),
    signalled_used: uint(o, 'signalled-used', U16),
    signalled_used_valid: bool(o, 'signalled-used-valid'),
  };
}

/**
 * last_avail_idx where it means the device's next avail position: null when QEMU left it out, and for a vhost
 * device, where QEMU puts vhost_get_vring_base()'s return code there (qmp_x_query_virtio_queue_status()).
 */
export function usableLastAvailIdx(s: QueueStatus): number | null {
  return s.vhost ? null : s.last_avail_idx;
}

/** The status fields QEMU did not report, by their QMP names (for a vhost device). */
export function notReportedFields(s: QueueStatus): ('last-avail-idx' | 'shadow-avail-idx')[] {
  return [
    ...(s.last_avail_idx === null ? (['last-avail-idx'] as const) : []),
    ...(s.shadow_avail_idx === null ? (['shadow-avail-idx'] as const) : []),
  ];
}

/** QEMU's `x-query-virtio-queue-element` lists a chain last entry first (it prepends as it walks). */
export function elementFromParts(
  availPos: number | null,
  index: number,
  descs: ElementDesc[],
  avail: QueueElement['avail'],
  used: QueueElement['used'],
): QueueElement {
  return { availPos, index, descs, chain: [...descs].reverse(), avail, used };
}

/** QEMU's VirtioQueueElement (qmp_x_query_virtio_queue_element). Throws FieldError. */
export function elementFromQmp(o: unknown, availPos: number | null): QueueElement {
  if (!isObj(o)) throw new FieldError('return', 'the element is not a JSON object');
  const rawDescs = o['descs'];
  if (!Array.isArray(rawDescs)) throw new FieldError('descs', '"descs" must be a list');
  const descs = rawDescs.map((d: unknown): ElementDesc => {
    if (!isObj(d)) throw new FieldError('descs', 'a descriptor in "descs" is not an object');
    const flags = d['flags'];
    if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string'))
      throw new FieldError('flags', '"flags" must be a list of names');
    return { addr: big(d['addr'], 'addr'), len: uint(d, 'len', U32), flags: flags as string[] };
  });
  const avail = o['avail'];
  const used = o['used'];
  if (!isObj(avail)) throw new FieldError('avail', '"avail" must be an object');
  if (!isObj(used)) throw new FieldError('used', '"used" must be an object');
  return elementFromParts(
    availPos,
    uint(o, 'index', U32),
    descs,
    { flags: uint(avail, 'flags', U16), idx: uint(avail, 'idx', U16), ring: uint(avail, 'ring', U16) },
    { flags: uint(used, 'flags', U16), idx: uint(used, 'idx', U16) },
  );
}
