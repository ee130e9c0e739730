/** What a compiled template is filled with: each variable the key names. */
export type TemplateValues<N extends string> = Readonly<Record<N, string | number>>;

// A marker no translation holds (a private-use character), one per variable, so the translated text can be cut where each value goes.
const mark = (i: number) => `\uE000${i}\uE000`;
const MARK = /\uE000(\d+)\uE000/;

/**
 * t(key, values) for a key without plurals or context, translated once per language: a ring of 1024 slots labels
 * hundreds of them in one frame, and i18next resolving each call cost a free-run its first frames. Values are
 * put in as they are (the app's i18next does not escape), as t() would put them.
 */
export function compileTemplate<N extends string>(
  t: (key: string, options?: Record<string, unknown>) => string,
  key: string,
  names: readonly N[],
): (values: TemplateValues<N>) => string {
  const text = String(t(key, Object.fromEntries(names.map((n, i) => [n, mark(i)]))));
  // Split on a capturing pattern: literal text at even positions, variable numbers at odd ones.
  const parts = text.split(MARK);
  const literals = parts.filter((_, i) => i % 2 === 0);
  const slots = parts.filter((_, i) => i % 2 === 1).map((n) => names[Number(n)]!);
  return (values) => {
    let s = literals[0]!;
    for (let i = 0; i < slots.length; i++) s += String(values[slots[i]!]) + literals[i + 1]!;
    return s;
  };
}
