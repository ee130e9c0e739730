import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../import/trace/parser';
import { L, VQ1, text } from '../../import/trace/testing/lines';
import { traceTimeline } from './traceTimeline';

describe('traceTimeline', () => {
  it('puts kicks, interrupts, completions and failures at their event numbers', () => {
    const r = parseTrace({
      name: 't.log',
      text: text([
        L.kick(),
        L.pop('0xa'),
        L.read('0xa', 0),
        L.rw('0xa', -5),
        L.done('0xa', 1),
        L.fill('0xa'),
        L.flush(),
        L.irq(),
        L.kick(1, VQ1),
      ]),
    });
    if (!r.ok) throw new Error(r.problem.message);
    expect(traceTimeline(r.value, -1)).toEqual({
      length: 8,
      kicks: [0, 8],
      interrupts: [7],
      completions: [4],
      errors: [3, 4],
      suppressed: [],
    });
    expect(traceTimeline(r.value, 1).kicks).toEqual([8]);
  });
});
