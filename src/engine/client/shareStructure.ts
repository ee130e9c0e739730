const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

function sameTypedArray(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
  const x = a as unknown as ArrayLike<number>;
  const y = b as unknown as ArrayLike<number>;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

function shareArray(old: unknown[], next: unknown[]): unknown[] {
  let allPrev = old.length === next.length;
  let out: unknown[] | null = null;
  for (let i = 0; i < next.length; i++) {
    const n = next[i];
    const o = old[i];
    // Primitives (most of a view: indices, lengths, flags) are settled without a call.
    const s = n === o || typeof n !== 'object' || n === null ? n : shareStructure(o, n);
    if (s !== o) allPrev = false;
    if (s !== n) (out ??= next.slice())[i] = s;
  }
  return allPrev ? old : (out ?? next);
}

function shareObject(old: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  let allPrev = true;
  let count = 0;
  let out: Record<string, unknown> | null = null;
  for (const k in next) {
    count++;
    const n = next[k];
    const o = old[k];
    const s = n === o || typeof n !== 'object' || n === null ? n : shareStructure(o, n);
    if (s !== o || (o === undefined && !(k in old))) allPrev = false;
    if (s !== n) (out ??= { ...next })[k] = s;
  }
  if (allPrev) {
    for (const k in old) if (--count < 0 || !(k in next)) return out ?? next;
    if (count === 0) return old;
  }
  return out ?? next;
}

/**
 * `next`, with every part that equals the same part of `prev` replaced by prev's object, so that a value that did
 * not change keeps its identity from one state to the next (structural sharing). Plain objects, arrays and typed
 * arrays are compared by content; other objects (class instances such as errors) by identity. Returns `prev`
 * itself when the two are equal throughout. Neither argument is modified: a container is copied when some of
 * its parts are shared and others are not.
 */
export function shareStructure<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return next;
  if (typeof next !== 'object' || next === null || typeof prev !== 'object' || prev === null) return next;
  if (Array.isArray(next)) return (Array.isArray(prev) ? shareArray(prev as unknown[], next) : next) as T;
  if (ArrayBuffer.isView(next)) {
    return ArrayBuffer.isView(prev) && sameTypedArray(prev, next) ? (prev as T) : next;
  }
  if (!isPlainObject(next) || !isPlainObject(prev) || Array.isArray(prev)) return next;
  return shareObject(prev as Record<string, unknown>, next as Record<string, unknown>) as T;
}
