import { ENGINE_FUNCTIONS, functionsLike } from './functions';
import type { Machine } from './machine/machine';

/** A condition to stop at: a field of the ring or of either side's state compared with a number. */
export interface FieldBreakpoint {
  kind: 'field';
  /** e.g. "avail.idx", "vq1.num_free", "used_event". */
  field: string;
  op: '==' | '!=' | '<' | '<=' | '>' | '>=';
  value: number;
  /** The text it was parsed from, for display. */
  text: string;
}
export interface FunctionBreakpoint {
  kind: 'function';
  fn: string;
}
export interface WatchBreakpoint {
  kind: 'watch';
  addr: number;
  len: number;
}
export type Breakpoint = FieldBreakpoint | FunctionBreakpoint | WatchBreakpoint;

type Getter = (m: Machine, q: number) => number | undefined;

// Each side's state as the view shows it: mid-operation, as of the steps played (see machine/privateState.ts).
const driver = (m: Machine, q: number) => m.shownDriverQueue(q)?.state ?? m.driver.vqs[q]?.state;
const device = (m: Machine, q: number) => m.shownDeviceQueue(q) ?? undefined;
const ring = (m: Machine, q: number) => m.driver.vqs[q]?.ring;

/** The fields a breakpoint may name: ring fields in memory, Linux's vring_virtqueue, QEMU's VirtQueue. */
export const BREAKPOINT_FIELDS: Record<string, Getter> = {
  'avail.idx': (m, q) => ring(m, q)?.availIdx(),
  'avail.flags': (m, q) => ring(m, q)?.availFlags(),
  'used.idx': (m, q) => ring(m, q)?.usedIdx(),
  'used.flags': (m, q) => ring(m, q)?.usedFlags(),
  used_event: (m, q) => ring(m, q)?.usedEvent(),
  avail_event: (m, q) => ring(m, q)?.availEvent(),
  num_free: (m, q) => driver(m, q)?.num_free,
  free_head: (m, q) => driver(m, q)?.free_head,
  avail_idx_shadow: (m, q) => driver(m, q)?.avail_idx_shadow,
  last_used_idx: (m, q) => driver(m, q)?.last_used_idx,
  num_added: (m, q) => driver(m, q)?.num_added,
  last_avail_idx: (m, q) => device(m, q)?.last_avail_idx,
  shadow_avail_idx: (m, q) => device(m, q)?.shadow_avail_idx,
  used_idx: (m, q) => device(m, q)?.used_idx,
  signalled_used: (m, q) => device(m, q)?.signalled_used,
  inuse: (m, q) => device(m, q)?.inuse,
};

/** Why a text is not a breakpoint: a code the UI translates, its values, and the English message. */
export type BreakpointProblem =
  'not-a-name' | 'bad-watch' | 'empty-watch' | 'syntax' | 'unknown-field' | 'unknown-function';

export class BreakpointError extends Error {
  constructor(
    message: string,
    readonly code: BreakpointProblem,
    readonly values: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'BreakpointError';
  }
}

const FIELD_RE = /^\s*(?:vq(\d+)\.)?([a-z_.]+)\s*(==|!=|<=|>=|<|>)\s*(0x[0-9a-f]+|\d+)\s*$/i;

/** Parses "avail.idx == 5", "vq1.num_free == 0", "fn:virtqueue_pop", "watch:0x1000+16". */
export function parseBreakpoint(text: string): Breakpoint {
  const t = text.trim();
  if (t.startsWith('fn:')) {
    const fn = t.slice(3).trim();
    if (!/^[a-z_][a-z0-9_]*$/i.test(fn)) {
      throw new BreakpointError(`"${fn}" is not a function name`, 'not-a-name', { value: fn });
    }
    if (!ENGINE_FUNCTIONS.includes(fn)) {
      const like = functionsLike(fn);
      const known = (like.length > 0 ? like : ['virtqueue_add_sgs', 'virtqueue_pop', 'virtblk_done']).join(', ');
      throw new BreakpointError(
        `no step of the simulation is in a function called "${fn}"; try ${known}`,
        'unknown-function',
        { value: fn, known },
      );
    }
    return { kind: 'function', fn };
  }
  if (t.startsWith('watch:')) {
    const m = /^watch:\s*(0x[0-9a-f]+|\d+)(?:\s*\+\s*(\d+))?\s*$/i.exec(t);
    if (!m) {
      throw new BreakpointError(`"${t}": a watch is written watch:ADDRESS or watch:ADDRESS+LENGTH`, 'bad-watch', {
        value: t,
      });
    }
    const len = m[2] ? Number(m[2]) : 1;
    if (len < 1) throw new BreakpointError(`"${t}": a watch covers at least one byte`, 'empty-watch', { value: t });
    return { kind: 'watch', addr: Number(m[1]), len };
  }
  const m = FIELD_RE.exec(t);
  if (!m) {
    throw new BreakpointError(`"${t}": write FIELD OP NUMBER, e.g. "avail.idx == 5" or "vq1.num_free == 0"`, 'syntax', {
      value: t,
    });
  }
  const field = (m[1] !== undefined ? `vq${m[1]}.` : '') + m[2]!;
  if (!(m[2]! in BREAKPOINT_FIELDS)) {
    const known = Object.keys(BREAKPOINT_FIELDS).join(', ');
    throw new BreakpointError(`unknown field "${m[2]}"; known: ${known}`, 'unknown-field', { value: m[2]!, known });
  }
  return { kind: 'field', field, op: m[3] as FieldBreakpoint['op'], value: Number(m[4]), text: t };
}

export function fieldValue(m: Machine, field: string): number | undefined {
  const match = /^(?:vq(\d+)\.)?(.+)$/.exec(field)!;
  const q = match[1] !== undefined ? Number(match[1]) : 0;
  return BREAKPOINT_FIELDS[match[2]!]?.(m, q);
}

export function fieldHolds(m: Machine, bp: FieldBreakpoint): boolean {
  const v = fieldValue(m, bp.field);
  if (v === undefined) return false;
  switch (bp.op) {
    case '==':
      return v === bp.value;
    case '!=':
      return v !== bp.value;
    case '<':
      return v < bp.value;
    case '<=':
      return v <= bp.value;
    case '>':
      return v > bp.value;
    case '>=':
      return v >= bp.value;
  }
}
