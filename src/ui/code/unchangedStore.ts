import type { StepWrite } from '../../engine/step';

/**
 * What a step that stored only bytes already there wrote, for its sentence ("writes 0 over 0"): '0' when every byte
 * is zero; the value of a single 1-, 2-, 4- or 8-byte store (little-endian, decimal below 65536, else hex);
 * null when it is none of those (the sentence then says it without a value). Undefined when the step stored
 * nothing, or changed a byte.
 */
export function unchangedValue(writes: readonly StepWrite[] | undefined): string | null | undefined {
  if (!writes || writes.length === 0 || writes.some((w) => w.old !== w.new)) return undefined;
  if (writes.every((w) => /^0*$/.test(w.new))) return '0';
  const only = writes.length === 1 ? writes[0]! : null;
  if (!only || ![2, 4, 8, 16].includes(only.new.length)) return null;
  let value = 0n;
  for (let i = only.new.length - 2; i >= 0; i -= 2)
    value = (value << 8n) | BigInt(parseInt(only.new.slice(i, i + 2), 16));
  return value < 0x10000n ? value.toString() : `0x${value.toString(16)}`;
}
