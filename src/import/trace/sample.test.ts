import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TraceParser, parseTrace } from './parser';
import { countersAt, latencyStats, queueStateAt, requestsNear } from './query';
import { traceSummary } from './summary';
import type { TraceHistory } from './history';

import { QEMU_SAMPLES, TRACE_DEFAULT_QUEUE0 } from '../../testing/samples';

const SAMPLES = QEMU_SAMPLES;
const bytes = new Uint8Array(readFileSync(`${SAMPLES}/trace-default.log`));
const expectedCounts = Object.fromEntries(
  readFileSync(`${SAMPLES}/trace-default.event-counts.txt`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([count, name]) => [name!, Number(count)]),
);

const parsed = (() => {
  const r = parseTrace({ name: 'trace-default.log', bytes });
  if (!r.ok || r.partial) throw new Error(`sample did not parse: ${JSON.stringify(r)}`);
  return r.value;
})();

const lineEvent = (h: TraceHistory, line: number) => h.events.line.indexOf(line);

describe('the sample trace (QEMU 7.2, Linux 6.1 guest)', () => {
  it('understands every line, with the event totals of trace-default.event-counts.txt', () => {
    expect(parsed.eventCounts).toEqual(expectedCounts);
    expect(parsed.lines).toBe(3832);
    expect(parsed.ignoredLines).toBe(0);
    expect(parsed.hasTimestamps).toBe(true);
  });

  it('rebuilds the per-queue counts', () => {
    const s = traceSummary(parsed);
    expect(s.devices).toEqual([{ vdev: '0x561c1b8d1f80', resets: 14, statusChanges: 21, status: 0 }]);
    expect(s.queues).toHaveLength(1);
    expect(s.queues[0]).toMatchObject({ vq: '0x561c1b8dca70', ...TRACE_DEFAULT_QUEUE0 });
    // Linux's 456 requests (SeaBIOS's one came before Linux reset the device), as snap00 shows.
    expect(s.queues[0]!.beforeLastReset).toEqual({
      last_avail_idx: 456,
      used_idx: 456,
      inuse: 0,
      inFlight: 0,
      line: 3830,
    });
    expect(s.queues[0]!.maxInFlight).toBeGreaterThan(100);
  });

  it('restarts ring state at each reset: SeaBIOS’s request, then Linux’s', () => {
    // SeaBIOS's read of sector 0 (lines 17-22), no interrupt: the firmware polls.
    expect(queueStateAt(parsed, 0, lineEvent(parsed, 22))).toEqual({
      last_avail_idx: 1,
      used_idx: 1,
      inuse: 0,
      inFlight: 0,
    });
    expect(queueStateAt(parsed, 0, lineEvent(parsed, 24))).toEqual({
      last_avail_idx: 0,
      used_idx: 0,
      inuse: 0,
      inFlight: 0,
    });
    // Linux's first pop after its reset.
    expect(queueStateAt(parsed, 0, lineEvent(parsed, 35)).last_avail_idx).toBe(1);
  });

  it('tells FLUSH requests (pop and req_complete, no handle_read/write) from reads and writes', () => {
    const at = lineEvent(parsed, 683);
    const rows = requestsNear(parsed, 0, at, 5);
    expect(rows[0]).toMatchObject({ op: 'flush', sector: null, in_num: 1, out_num: 1, status: 0, popLine: 682 });
  });

  it('counts fewer kicks and interrupts than requests (EVENT_IDX suppression)', () => {
    const c = countersAt(parsed, 0, parsed.events.length - 1);
    expect(c).toMatchObject({ requests: 457, completed: 457, kicks: 304, interrupts: 301 });
    expect(c.kicksPerRequest!).toBeLessThan(1);
    expect(c.interruptsPerRequest!).toBeLessThan(1);
  });

  it('measures latency pop → completion from the timestamps', () => {
    const l = latencyStats(parsed, 0)!;
    expect(l.count).toBe(457);
    expect(l.minUs).toBeGreaterThan(0);
    expect(l.medianUs).toBeLessThanOrEqual(l.p95Us);
    expect(l.histogram.reduce((a, b) => a + b, 0)).toBe(457);
    // SeaBIOS's request: popped at .160017, completed at .160127.
    expect(l.minUs).toBeLessThanOrEqual(110);
  });

  it('gives the same history however the bytes are chunked', () => {
    const p = new TraceParser('trace-default.log');
    for (let at = 0; at < bytes.length; at += 7777) p.feed(bytes.subarray(at, at + 7777));
    const r = p.finish();
    expect(r.ok && !r.partial).toBe(true);
    if (r.ok) expect(traceSummary(r.value)).toEqual(traceSummary(parsed));
  });

  it('reads the same log without the <tid>@<time>: prefix (no -msg timestamp=on), without latencies', () => {
    const text = new TextDecoder().decode(bytes).replace(/^\d+@\d+\.\d+:/gm, '');
    const r = parseTrace({ name: 'plain.log', text });
    expect(r.ok && !r.partial).toBe(true);
    if (!r.ok) return;
    expect(r.value.hasTimestamps).toBe(false);
    expect(traceSummary(r.value).queues).toEqual(traceSummary(parsed).queues);
    expect(latencyStats(r.value, 0)).toBeNull();
  });
});
