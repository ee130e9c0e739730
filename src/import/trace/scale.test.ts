import { describe, expect, it } from 'vitest';
import { TraceParser } from './parser';
import { traceSummary } from './summary';
import { synthTrace, type SynthCounts } from './testing/synth';

const MILLION = 1_000_000;

describe('a million-line trace', () => {
  it('parses chunk by chunk into a history whose memory is a fixed few bytes per event', { timeout: 120_000 }, () => {
    const parser = new TraceParser('synthetic.log');
    const gen = synthTrace(MILLION, 32);
    let step = gen.next();
    let peakHeld = 0;
    while (!step.done) {
      parser.feed(step.value);
      peakHeld = Math.max(peakHeld, parser.progress.bytesHeld);
      step = gen.next();
    }
    const counts: SynthCounts = step.value;
    const r = parser.finish();
    expect(r.ok && !r.partial).toBe(true);
    if (!r.ok) return;
    const h = r.value;
    expect(h.lines).toBe(MILLION);
    expect(h.events.length).toBe(MILLION);
    const q = traceSummary(h).queues[0]!;
    expect(q).toMatchObject({ pops: counts.requests, kicks: counts.kicks, interrupts: counts.interrupts });
    expect(q.maxInFlight).toBe(32);
    expect(q.last_avail_idx).toBe(counts.requests % 65536);
    expect(q.used_idx).toBe(counts.requests % 65536);

    // What the finished history holds: the event and request columns and the per-queue event lists.
    const columns = [...Object.values(h.events), ...Object.values(h.requests)].filter(ArrayBuffer.isView);
    const held = columns.reduce((sum, a) => sum + a.byteLength, 0) + h.queues[0]!.events.byteLength;
    const perEvent = held / h.events.length;
    console.log(
      `1,000,000 lines: ${(held / 1e6).toFixed(1)} MB held, ${perEvent.toFixed(1)} bytes per event ` +
        `(peak while growing ${(peakHeld / 1e6).toFixed(1)} MB)`,
    );
    // 39 bytes per event row, 4 per queue list entry, about 60 per request (one request per ~9 lines).
    expect(perEvent).toBeLessThan(56);
    // Doubling growth can at most double it while parsing.
    expect(peakHeld / h.events.length).toBeLessThan(2 * 56);
  });
});
