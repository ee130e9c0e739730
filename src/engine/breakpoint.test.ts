import { describe, expect, it } from 'vitest';
import { BREAKPOINT_FIELDS, BreakpointError, fieldHolds, fieldValue, parseBreakpoint } from './breakpoint';
import { Machine } from './machine/machine';
import { builtinScenario } from './scenario/builtin';

const parseError = (text: string): string => {
  try {
    parseBreakpoint(text);
  } catch (e) {
    expect(e).toBeInstanceOf(BreakpointError);
    return (e as Error).message;
  }
  throw new Error(`"${text}" parsed`);
};

describe('parseBreakpoint', () => {
  it('parses field conditions, with or without a queue, in decimal or hex', () => {
    expect(parseBreakpoint('avail.idx == 3')).toEqual({
      kind: 'field',
      field: 'avail.idx',
      op: '==',
      value: 3,
      text: 'avail.idx == 3',
    });
    expect(parseBreakpoint('  vq1.num_free==0 ')).toMatchObject({ field: 'vq1.num_free', op: '==', value: 0 });
    expect(parseBreakpoint('inuse > 0')).toMatchObject({ field: 'inuse', op: '>', value: 0 });
    expect(parseBreakpoint('used.idx >= 0x10')).toMatchObject({ field: 'used.idx', op: '>=', value: 16 });
    for (const op of ['==', '!=', '<', '<=', '>', '>='] as const) {
      expect(parseBreakpoint(`last_used_idx ${op} 7`)).toMatchObject({ op, value: 7 });
    }
  });

  it('parses every field it lists', () => {
    for (const field of Object.keys(BREAKPOINT_FIELDS)) {
      expect(parseBreakpoint(`vq0.${field} == 1`)).toMatchObject({ kind: 'field', field: `vq0.${field}` });
    }
  });

  it('parses function breakpoints and watches', () => {
    expect(parseBreakpoint('fn:virtqueue_split_pop')).toEqual({ kind: 'function', fn: 'virtqueue_split_pop' });
    expect(parseBreakpoint('fn: vring_interrupt ')).toEqual({ kind: 'function', fn: 'vring_interrupt' });
    expect(parseBreakpoint('watch:0x1000+16')).toEqual({ kind: 'watch', addr: 0x1000, len: 16 });
    expect(parseBreakpoint('watch: 4096 + 2')).toEqual({ kind: 'watch', addr: 4096, len: 2 });
    expect(parseBreakpoint('watch:0x20')).toEqual({ kind: 'watch', addr: 0x20, len: 1 });
  });

  it('rejects bad text with a message that says what to write', () => {
    expect(parseError('')).toMatch(/write FIELD OP NUMBER, e\.g\. "avail\.idx == 5"/);
    expect(parseError('avail.idx = 3')).toMatch(/write FIELD OP NUMBER/);
    expect(parseError('avail.idx == -1')).toMatch(/write FIELD OP NUMBER/);
    expect(parseError('avail.idx == three')).toMatch(/write FIELD OP NUMBER/);
    expect(parseError('fn:')).toBe('"" is not a function name');
    expect(parseError('fn:virtqueue pop')).toBe('"virtqueue pop" is not a function name');
    expect(parseError('fn:1abc')).toBe('"1abc" is not a function name');
    expect(parseError('watch:')).toMatch(/a watch is written watch:ADDRESS or watch:ADDRESS\+LENGTH/);
    expect(parseError('watch:0x10+')).toMatch(/watch:ADDRESS\+LENGTH/);
    expect(parseError('watch:zz')).toMatch(/watch:ADDRESS\+LENGTH/);
    expect(parseError('watch:0x10+0')).toMatch(/at least one byte/);
  });

  it('names the unknown field and lists the known ones', () => {
    const message = parseError('vq0.avail.index == 1');
    expect(message).toMatch(/^unknown field "avail\.index"; known: /);
    for (const field of Object.keys(BREAKPOINT_FIELDS)) expect(message).toContain(field);
  });
});

describe('field values', () => {
  it('read the ring in memory and either side private state', () => {
    const m = new Machine({ scenario: builtinScenario('single-read')!, seed: 1 });
    while (m.stepOnce()) {
      /* run to the end */
    }
    const vq = m.driver.vqs[0]!;
    expect(fieldValue(m, 'avail.idx')).toBe(vq.ring.availIdx());
    expect(fieldValue(m, 'vq0.used.idx')).toBe(1);
    expect(fieldValue(m, 'num_free')).toBe(8);
    expect(fieldValue(m, 'last_avail_idx')).toBe(1);
    expect(fieldValue(m, 'inuse')).toBe(0);
    // A queue that does not exist has no value, and a condition on it never holds.
    expect(fieldValue(m, 'vq3.avail.idx')).toBeUndefined();
    const bp = parseBreakpoint('vq3.avail.idx != 12345');
    expect(bp.kind === 'field' && fieldHolds(m, bp)).toBe(false);
    const holds = (text: string) => {
      const b = parseBreakpoint(text);
      if (b.kind !== 'field') throw new Error('not a field');
      return fieldHolds(m, b);
    };
    expect(holds('avail.idx == 1')).toBe(true);
    expect(holds('avail.idx != 1')).toBe(false);
    expect(holds('num_free < 8')).toBe(false);
    expect(holds('num_free <= 8')).toBe(true);
    expect(holds('used.idx > 0')).toBe(true);
    expect(holds('used.idx >= 2')).toBe(false);
  });
});
