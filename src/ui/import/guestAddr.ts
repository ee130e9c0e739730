/**
 * A guest-physical address typed by the user, in hex as QEMU's monitor prints them (`0x2986000`, or the digits
 * alone): what the import of a memory dump whose name carries no address needs (ImportFile.gpa).
 */
export type GuestAddrInput = { ok: true; gpa: number } | { ok: false; reason: 'empty' | 'notHex' | 'range' };

/** The widest guest-physical address space (52 bits: x86-64's and Arm64's largest MAXPHYADDR). */
export const GPA_BITS = 52;
export const MAX_GPA = 2 ** GPA_BITS - 1;

export function parseGuestAddr(text: string): GuestAddrInput {
  const s = text.trim();
  if (s === '') return { ok: false, reason: 'empty' };
  const digits = /^0x/i.test(s) ? s.slice(2) : s;
  if (!/^[0-9a-f]+$/i.test(digits)) return { ok: false, reason: 'notHex' };
  // BigInt: a long string must be refused as too large, not rounded by a double first.
  const n = BigInt(`0x${digits}`);
  if (n > BigInt(MAX_GPA)) return { ok: false, reason: 'range' };
  return { ok: true, gpa: Number(n) };
}

/** `0x…` as the monitor writes it. */
export const gpaHex = (gpa: number) => `0x${gpa.toString(16)}`;
