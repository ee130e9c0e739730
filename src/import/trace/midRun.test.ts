import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../types';
import { TRACE_EVENTS } from './events';
import type { TraceHistory } from './history';
import { OP_WRITE } from './history';
import { parseTrace } from './parser';
import { queueStateAt, requestAt, requestLatencyUs, requestsBeforeTrace, stateKnownAt } from './query';
import { traceSummary } from './summary';
import { L, text } from './testing/lines';

import { QEMU_SAMPLES, TRACE_DEFAULT_QUEUE0 } from '../../testing/samples';

const SAMPLE_LINES = readFileSync(`${QEMU_SAMPLES}/trace-default.log`, 'utf8').trimEnd().split('\n');

const whole = (r: ImportResult<TraceHistory>): TraceHistory => {
  if (!r.ok || r.partial) throw new Error(JSON.stringify(r.ok ? r.problem : r.problem));
  return r.value;
};
const partial = (r: ImportResult<TraceHistory>) => {
  if (!r.ok) throw new Error(`not partial: ${r.problem.message}`);
  if (!r.partial) throw new Error('expected a problem');
  return { problem: r.problem, history: r.value };
};
const parse = (lines: string[], name = 't.log') => parseTrace({ name, text: text(lines) });
/** The sample from 1-based line `from` on, as `tail -n +from` would cut it. */
const tail = (from: number) => whole(parse(SAMPLE_LINES.slice(from - 1), 'mid.log'));
const full = tail(1);

const A = '0xa000';
const B = '0xb000';

describe('a trace that starts mid-run (HMP trace-event later, or a log cut with tail)', () => {
  // 1500: a request's handle_write, its pop cut off (the QEMU developer's case); 1501: its rw_complete;
  // 1502: its req_complete; 1503: its fill; 1504: the flush of an element filled before the cut; 1505: an
  // interrupt; the rest elsewhere in the run (200: SeaBIOS/early Linux, 2500: deep queue, 3700: near poweroff).
  const cuts = [1500, 1501, 1502, 1503, 1504, 1505, 200, 2500, 3700];

  it.each(cuts)('imports the sample from line %i on, every kept line understood', (from) => {
    const h = tail(from);
    const kept = SAMPLE_LINES.slice(from - 1);
    expect(h.lines).toBe(kept.length);
    expect(h.ignoredLines).toBe(0);
    expect(h.events.length).toBe(kept.length);
    for (const name of TRACE_EVENTS) {
      const n = kept.filter((l) => l.includes(`:${name} `)).length;
      expect(h.eventCounts[name] ?? 0, name).toBe(n);
    }
    expect(h.startsMidRun).toBe(true);
    expect(traceSummary(h)).toMatchObject({ startsMidRun: true });
    expect(traceSummary(h).notKnown.length).toBeGreaterThan(0);
  });

  it.each(cuts)('cut at line %i: what the trace shows agrees with the full replay', (from) => {
    const h = tail(from);
    const off = from - 1;
    const fullAt = (line: number) => full.events.line.indexOf(line + off);
    // Requests popped inside the cut trace: the same as in the full replay.
    for (let req = 0; req < h.requests.length; req++) {
      if (h.requests.beforeTrace[req]) continue;
      const popLine = h.events.line[h.requests.popEvent[req]!]!;
      const f = full.events.request[fullAt(popLine)]!;
      expect(h.requests.op[req]).toBe(full.requests.op[f]);
      expect(h.requests.sector[req]).toBe(full.requests.sector[f]);
      expect(h.requests.status[req]).toBe(full.requests.status[f]);
    }
    // Until the first reset the indices count from the cut; after it, they are QEMU's own.
    const base = queueStateAt(full, 0, fullAt(1) - 1);
    for (let e = 0; e < h.events.length; e++) {
      if (h.events.queue[e] !== 0) continue;
      const mine = queueStateAt(h, 0, e);
      const theirs = queueStateAt(full, 0, fullAt(h.events.line[e]!));
      if (stateKnownAt(h, 0, e)) {
        expect(mine).toEqual(theirs);
      } else {
        expect(mine.last_avail_idx).toBe((theirs.last_avail_idx - base.last_avail_idx) & 0xffff);
        expect(mine.used_idx).toBe((theirs.used_idx - base.used_idx) & 0xffff);
        expect(mine.inuse).toBeLessThanOrEqual(theirs.inuse);
      }
    }
    const s = traceSummary(h).queues[0]!;
    expect(s.stateKnown).toBe(true);
    expect(s).toMatchObject({ last_avail_idx: 0, used_idx: 0, inuse: 0 });
  });

  it('reports a request begun before the trace as such, with what the trace tells of it', () => {
    const h = tail(1500);
    const first = requestAt(h, 0, h.events.length - 1);
    expect(first).toMatchObject({ beforeTrace: true, op: 'write', sector: 12288, nsectors: 64, status: 0 });
    expect(first.popLine).toBe(1);
    expect(first.latencyUs).toBeNull();
    expect(requestLatencyUs(h, 0)).toBeNaN();
    expect(h.requests.op[0]).toBe(OP_WRITE);
    expect(requestsBeforeTrace(h)).toBe(1);
    const q = traceSummary(h).queues[0]!;
    expect(q.beforeTrace).toEqual({ requests: 1, unnamedElements: 0 });
    // Only the requests whose pop the trace shows have a latency.
    expect(h.requests.beforeTrace.slice(1).every((b) => b === 0)).toBe(true);
  });

  it('counts an element filled before the trace and flushed in it, whose pointer it never names', () => {
    const q = traceSummary(tail(1504)).queues[0]!;
    expect(q.beforeTrace).toEqual({ requests: 0, unnamedElements: 1 });
    expect(q.beforeLastReset).toMatchObject({ fromTraceStart: true });
  });

  it('a cut that starts with a reset behaves as a whole trace', () => {
    const h = tail(2);
    expect(h.startsMidRun).toBe(false);
    const s = traceSummary(h);
    expect(s.notKnown).toEqual([]);
    // The same queue as the whole sample's, less the first of its 14 resets.
    expect(s.queues[0]).toMatchObject({ ...TRACE_DEFAULT_QUEUE0, resets: 13, stateKnown: true });
    expect(s.queues[0]!.beforeTrace).toEqual({ requests: 0, unnamedElements: 0 });
  });

  it('the full sample: not mid-run, nothing begun before it', () => {
    expect(full.startsMidRun).toBe(false);
    expect(requestsBeforeTrace(full)).toBe(0);
    expect(full.queues[0]).toMatchObject({ stateKnown: true, knownFromEvent: 0 });
    expect(traceSummary(full).queues[0]).toMatchObject(TRACE_DEFAULT_QUEUE0);
  });

  it('a request named before its vq: placed on the queue when the fill names it', () => {
    const h = whole(parse([L.read(A, 0), L.rw(A), L.done(A), L.fill(A), L.flush(), L.irq()]));
    expect(h.requests.queue[0]).toBe(0);
    const s = traceSummary(h).queues[0]!;
    expect(s).toMatchObject({ reads: 1, fills: 1, flushes: 1, completions: { VIRTIO_BLK_S_OK: 1 }, inuse: 0 });
    expect(s.beforeTrace).toEqual({ requests: 1, unnamedElements: 0 });
    expect(h.events.queue[0]).toBe(-1);
  });

  it('a fill idx and a flush count that cover elements filled before the trace', () => {
    const h = whole(parse([L.kick(), L.fill(A, 1, 1), L.flush(2), ...[L.pop(B), L.fill(B), L.flush()]]));
    const s = traceSummary(h).queues[0]!;
    expect(s.beforeTrace).toEqual({ requests: 1, unnamedElements: 1 });
    expect(s).toMatchObject({ pops: 1, fills: 2, used_idx: 3, last_avail_idx: 1, inuse: 0 });
  });

  it('a reset drops the requests begun before the trace that the device still held', () => {
    const h = whole(parse([L.read(A, 0), L.reset(), L.status(15)]));
    expect(h.requests.resetEvent[0]).toBe(1);
  });
});

describe('a trace that starts mid-run still contradicts itself where the known state says so', () => {
  it('a fill of an element the trace saw popped and filled already', () => {
    const { problem: p } = partial(parse([L.kick(), L.pop(A), L.fill(A), L.flush(), L.fill(A)]));
    expect(p).toMatchObject({ line: 5 });
    expect(p.message).toMatch(/virtqueue_fill: elem 0xa000 .*fill without a pop/);
  });

  it('a completion of a request begun before the trace that was already finished', () => {
    const { problem: p } = partial(parse([L.read(A, 0), L.done(A), L.fill(A), L.flush(), L.done(A)]));
    expect(p).toMatchObject({ line: 5 });
    expect(p.message).toMatch(/req_complete: req 0xa000 is not a request the device holds/);
  });

  it('after a reset the state is known: an unpopped request is a contradiction again', () => {
    const { problem: p, history } = partial(parse([L.kick(), L.read(A, 0), L.reset(), L.kick(), L.read(B, 8)]));
    expect(p).toMatchObject({ line: 5 });
    expect(p.message).toMatch(/handle_read: req 0xb000 is not a request the device holds/);
    expect(history.startsMidRun).toBe(true);
  });

  it('a second flush with nothing filled: after the first flush nothing from before the trace waits', () => {
    const { problem: p } = partial(parse([L.kick(), L.flush(), L.flush()]));
    expect(p).toMatchObject({ line: 3 });
    expect(p.message).toMatch(/count 1 with nothing filled/);
  });

  it('a fill idx below the fills the trace showed', () => {
    const { problem: p } = partial(parse([L.kick(), L.pop(A), L.pop(B), L.fill(A, 1, 0), L.fill(B, 1, 0)]));
    expect(p).toMatchObject({ line: 5 });
    expect(p.message).toMatch(/idx 0 but 1 element/);
  });

  it('the located error of a contradiction inside a cut of the real sample', () => {
    const lines = SAMPLE_LINES.slice(1499, 1534);
    lines.push(lines[lines.findIndex((l) => l.includes('virtqueue_fill'))]!);
    const { problem: p } = partial(parse(lines, 'mid.log'));
    expect(p).toMatchObject({ file: 'mid.log', line: 36 });
    expect(p.message).toMatch(/virtqueue_fill: elem 0x561c1bb52810 .*fill without a pop/);
  });
});
