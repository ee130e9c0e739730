import { fromHex, toHex } from '../step';

// JSON cannot hold bigint or typed arrays; checkpoints must, so they are tagged.
export function checkpointReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  // Tag checks, not instanceof: arrays from another realm (a test DOM, a worker) must be recognised too.
  if (Object.prototype.toString.call(value) === '[object Uint8Array]') return { $u8: toHex(value as Uint8Array) };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { $typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) };
  }
  if (Object.prototype.toString.call(value) === '[object Map]')
    return { $map: [...(value as Map<unknown, unknown>).entries()] };
  return value;
}

/**
 * A state as checkpoint JSON: the same text as JSON.stringify(value, checkpointReplacer), made by one walk that
 * copies the state into plain data first, so JSON.stringify runs without a replacer (V8's fast path; a replacer is
 * called for every value). The walk is the copy, so the state may be the machine's live objects.
 */
export function stringifyCheckpoint(value: unknown): string {
  return JSON.stringify(plain(value));
}

function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? { $bigint: value.toString() } : value;
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // As JSON.stringify does: what JSON cannot hold in an array becomes null.
      out[i] = v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : plain(v);
    }
    return out;
  }
  const tagged = checkpointReplacer('', value);
  if (tagged !== value) {
    const t = tagged as { $map?: unknown };
    return t.$map ? { $map: plain(t.$map) } : tagged;
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return plain(withJson.toJSON());
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out[k] = plain(v);
  }
  return out;
}

/**
 * Parses a checkpoint's JSON and turns the tagged values back into what they were. One walk over the parsed tree
 * instead of a JSON.parse reviver, which calls back for every value (every number of every array) and made a
 * time-travel jump spend about 3 ms of its restore there.
 */
export function parseCheckpoint(json: string): unknown {
  return revive(JSON.parse(json) as unknown);
}

function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (x !== null && typeof x === 'object') value[i] = revive(x);
    }
    return value;
  }
  const v = value as Record<string, unknown>;
  if (typeof v.$bigint === 'string') return BigInt(v.$bigint);
  if (typeof v.$u8 === 'string') return fromHex(v.$u8);
  if (typeof v.$typed === 'string') return typedArrayOf(v.$typed, v.values as number[]);
  if (Array.isArray(v.$map)) return new Map(revive(v.$map) as [unknown, unknown][]);
  for (const k in v) {
    const x = v[k];
    if (x !== null && typeof x === 'object') v[k] = revive(x);
  }
  return v;
}

function typedArrayOf(name: string, values: number[]): ArrayBufferView {
  switch (name) {
    case 'Uint8Array':
      return Uint8Array.from(values);
    case 'Int16Array':
      return Int16Array.from(values);
    case 'Uint16Array':
      return Uint16Array.from(values);
    case 'Uint32Array':
      return Uint32Array.from(values);
    case 'Int32Array':
      return Int32Array.from(values);
    case 'Float64Array':
      return Float64Array.from(values);
    default:
      throw new Error(`checkpoint holds an unknown typed array ${name}`);
  }
}
