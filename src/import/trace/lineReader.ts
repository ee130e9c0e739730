import { EVENT_ARGS, TRACE_EVENTS, eventNumber } from './events';

/**
 * One line of a QEMU `-trace` log (log backend): `[<tid>@<sec>.<usec>:]<event> <key> <value> ...`. The prefix is
 * there when QEMU runs with `-msg timestamp=on`. Lines of other events, and text that is not an event at all
 * (QEMU's own warnings), are ignored and counted by name.
 */
export const LINE_EVENT = 0;
export const LINE_IGNORED = 1;
export const LINE_BLANK = 2;
export const LINE_ERROR = 3;
export type LineCode = typeof LINE_EVENT | typeof LINE_IGNORED | typeof LINE_BLANK | typeof LINE_ERROR;

/** Key under which lines that are not trace events at all are counted. */
export const NOT_AN_EVENT = '(not a trace event)';

const LINE = /^(?:(\d+)@(\d+)\.(\d{1,9}):)?([A-Za-z_][A-Za-z0-9_]*)(?: (.*))?$/;
const POINTER = /^0x[0-9a-fA-F]+$/;
const UNSIGNED = /^\d+$/;
const SIGNED = /^-?\d+$/;

/** Reads lines into its own fields (no allocation per line beyond the split), so a million lines stay cheap. */
export class LineReader {
  kind = -1;
  /** Microseconds since the epoch, NaN when the line has no prefix. */
  timeUs = NaN;
  /** Pointer arguments as ids (see pointerName), in the event's order. */
  readonly p: number[] = [0, 0];
  /** Numeric arguments, in the event's order. */
  readonly n: number[] = [0, 0, 0, 0, 0];
  ignoredName = '';
  error = '';
  private readonly ids = new Map<string, number>([['0x0', 0]]);
  private readonly names: string[] = ['0x0'];

  pointerName(id: number): string {
    return this.names[id] ?? '?';
  }

  read(raw: string): LineCode {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return LINE_BLANK;
    const m = LINE.exec(line);
    if (!m) {
      this.ignoredName = NOT_AN_EVENT;
      return LINE_IGNORED;
    }
    const kind = eventNumber(m[4]!);
    if (kind === undefined) {
      this.ignoredName = m[4]!;
      return LINE_IGNORED;
    }
    this.kind = kind;
    this.timeUs = m[2] === undefined ? NaN : Number(m[2]) * 1e6 + Number(m[3]!.padEnd(6, '0').slice(0, 6));
    return this.readArgs(kind, m[5] ?? '');
  }

  private readArgs(kind: number, text: string): LineCode {
    const spec = EVENT_ARGS[kind]!;
    const name = TRACE_EVENTS[kind]!;
    const tokens = text.trim() === '' ? [] : text.trim().split(/ +/);
    const expected = spec.map(([k]) => `${k} <${k}>`).join(' ');
    if (tokens.length !== spec.length * 2) {
      return this.fail(`${name}: expected "${expected}", got "${text.trim()}"`);
    }
    let pi = 0;
    let ni = 0;
    for (let a = 0; a < spec.length; a++) {
      const [key, type] = spec[a]!;
      const k = tokens[2 * a]!;
      const v = tokens[2 * a + 1]!;
      if (k !== key) return this.fail(`${name}: expected "${key}" as argument ${a + 1}, got "${k}"`);
      if (type === 'p') {
        if (v !== '(nil)' && !POINTER.test(v)) return this.fail(`${name}: ${key} "${v}" is not a pointer`);
        this.p[pi++] = this.intern(v === '(nil)' ? '0x0' : v.toLowerCase());
      } else {
        const okSyntax = type === 'u' ? UNSIGNED.test(v) : SIGNED.test(v);
        const value = Number(v);
        if (!okSyntax || !Number.isSafeInteger(value)) {
          return this.fail(`${name}: ${key} "${v}" is not ${type === 'u' ? 'an unsigned' : 'a'} whole number`);
        }
        this.n[ni++] = value;
      }
    }
    return LINE_EVENT;
  }

  private intern(ptr: string): number {
    let id = this.ids.get(ptr);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(ptr, id);
      this.names.push(ptr);
    }
    return id;
  }

  private fail(message: string): LineCode {
    this.error = message;
    return LINE_ERROR;
  }
}
