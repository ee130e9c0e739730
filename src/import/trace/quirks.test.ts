import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../types';
import type { TraceHistory } from './history';
import { parseTrace } from './parser';
import { countersAt, queueStateAt, requestAt, requestsNear } from './query';
import { traceSummary } from './summary';
import { L, VDEV, VQ, VQ1, readRequest, text, withStamps } from './testing/lines';

const parse = (lines: string[]) => parseTrace({ name: 't.log', text: text(lines) });
const whole = (lines: string[]): TraceHistory => {
  const r = parse(lines);
  if (!r.ok || r.partial) throw new Error(JSON.stringify(r.ok ? r.problem : r.problem));
  return r.value;
};
const last = (h: TraceHistory) => h.events.length - 1;
const A = '0xa000';
const B = '0xb000';
const C = '0xc000';

describe('quirks of real traces (samples README)', () => {
  it('SeaBIOS request before Linux resets: each reset restarts the ring state', () => {
    const h = whole([
      L.reset(),
      L.status(3),
      L.status(11),
      L.status(15),
      L.kick(),
      ...readRequest(A, 0),
      L.reset(),
      L.status(1),
      L.status(15),
      L.kick(),
      ...readRequest(A, 0),
      ...readRequest(B, 8),
    ]);
    const s = traceSummary(h);
    expect(s.devices[0]).toMatchObject({ resets: 2, statusChanges: 7, status: 15 });
    expect(s.queues[0]).toMatchObject({ pops: 3, last_avail_idx: 2, used_idx: 2, inuse: 0, resets: 2 });
    expect(s.queues[0]!.beforeLastReset).toMatchObject({ last_avail_idx: 1, used_idx: 1, line: 13 });
  });

  it('pairs pop and fill by elem pointer, the pointer being reused once filled', () => {
    const h = whole([L.kick(), ...readRequest(A, 0), ...readRequest(A, 8), ...readRequest(A, 16)]);
    expect(h.requests.length).toBe(3);
    expect(Array.from(h.requests.sector)).toEqual([0, 8, 16]);
    expect(queueStateAt(h, 0, last(h))).toEqual({ last_avail_idx: 3, used_idx: 3, inuse: 0, inFlight: 0 });
  });

  it('pairs with the outstanding element when several are in flight', () => {
    const h = whole([
      L.kick(),
      L.pop(A),
      L.read(A, 0),
      L.pop(B),
      L.read(B, 8),
      L.done(B),
      L.fill(B),
      L.flush(),
      L.pop(B), // reused at once
      L.write(B, 64),
      L.done(A),
      L.fill(A),
      L.flush(),
    ]);
    const rows = requestsNear(h, 0, last(h), 10);
    expect(rows.map((r) => [r.op, r.sector, r.stage])).toEqual([
      ['write', 64, 'popped'],
      ['read', 8, 'flushed'],
      ['read', 0, 'flushed'],
    ]);
    expect(queueStateAt(h, 0, last(h))).toEqual({ last_avail_idx: 3, used_idx: 2, inuse: 1, inFlight: 1 });
  });

  it('accepts QEMU’s one-at-a-time push (fill idx 0, flush count 1) and batched fills (idx 0, 1; count 2)', () => {
    const h = whole([L.kick(), L.pop(A), L.pop(B), L.done(A), L.done(B), L.fill(A, 1, 0), L.fill(B, 1, 1), L.flush(2)]);
    expect(queueStateAt(h, 0, last(h))).toEqual({ last_avail_idx: 2, used_idx: 2, inuse: 0, inFlight: 0 });
    // Between the fills and the flush, QEMU's inuse still counts both.
    expect(queueStateAt(h, 0, last(h) - 1)).toMatchObject({ used_idx: 0, inuse: 2, inFlight: 0 });
  });

  it('FLUSH requests have a pop and a req_complete but no handle_read/handle_write', () => {
    const h = whole([L.kick(), L.pop(A, 1, 1), L.done(A), L.fill(A, 1), L.flush()]);
    expect(traceSummary(h).queues[0]).toMatchObject({ flushRequests: 1, reads: 0, writes: 0 });
    expect(requestAt(h, 0, last(h))).toMatchObject({ op: 'flush', sector: null, status: 0, stage: 'flushed' });
  });

  it('kicks and interrupts fewer than requests under EVENT_IDX', () => {
    const h = whole([L.kick(), ...readRequest(A, 0), ...readRequest(B, 8), ...readRequest(C, 16), L.irq()]);
    const c = countersAt(h, 0, last(h));
    expect(c).toMatchObject({ requests: 3, kicks: 1, interrupts: 1 });
    expect(c.kicksPerRequest).toBeCloseTo(1 / 3);
  });

  it('reads lines with and without the <tid>@<sec>.<usec>: prefix', () => {
    const lines = [L.kick(), ...readRequest(A, 0)];
    const stamped = whole(withStamps(lines));
    const plain = whole(lines);
    expect(stamped.hasTimestamps).toBe(true);
    expect(plain.hasTimestamps).toBe(false);
    expect(traceSummary(stamped).queues).toEqual(traceSummary(plain).queues);
    expect(Number.isNaN(plain.events.time[0]!)).toBe(true);
  });

  it('ignores (and counts) other events, QEMU’s own messages and blank lines', () => {
    const h = whole([
      'qemu-system-x86_64: warning: host doesn’t support requested feature',
      L.kick(),
      '1234@1700000000.000001:virtio_pci_notify_write 0x0 = 0x0 (2)',
      '',
      'virtio_mmio_read offset 0x70',
      ...readRequest(A, 0),
    ]);
    expect(h.ignoredLines).toBe(4);
    expect(h.ignoredByName).toEqual({
      '(not a trace event)': 1,
      virtio_pci_notify_write: 1,
      virtio_mmio_read: 1,
    });
    expect(traceSummary(h).queues[0]!.pops).toBe(1);
  });

  it('maps vq pointers to queue numbers through virtio_queue_notify, per queue', () => {
    const h = whole([
      L.kick(0, VQ),
      L.kick(1, VQ1),
      L.pop(A, 2, 1, VQ1),
      L.read(A, 0),
      L.done(A),
      L.fill(A, 1, 0, VQ1),
      L.flush(1, VQ1),
      L.irq(VQ1),
    ]);
    const s = traceSummary(h);
    expect(s.queues.map((q) => [q.queue, q.kicks, q.pops, q.interrupts])).toEqual([
      [0, 1, 0, 0],
      [1, 1, 1, 1],
    ]);
  });

  it('a queue popped before any kick names it gets its number later', () => {
    const h = whole([...readRequest(A, 0), L.kick(2)]);
    expect(h.queues[0]!.index).toBe(2);
    expect(h.queues[0]!.device).toBe(0);
  });

  it('marks merged submissions on the requests they merged', () => {
    const h = whole([
      L.kick(),
      L.pop(A),
      L.read(A, 100),
      L.pop(B),
      L.read(B, 108),
      L.pop(C),
      L.read(C, 200),
      L.multi(2, 100 * 512, 16 * 512),
    ]);
    expect(traceSummary(h).queues[0]!.mergedSubmissions).toBe(1);
    expect(requestsNear(h, 0, last(h), 5).map((r) => r.merged)).toEqual([true, true, false]);
  });

  it('drops the requests a reset finds in flight', () => {
    const h = whole([L.kick(), L.pop(A), L.read(A, 0), L.reset(), L.status(15), L.kick(), ...readRequest(A, 0)]);
    expect(requestAt(h, 0, last(h)).stage).toBe('reset');
    expect(requestAt(h, 1, last(h)).stage).toBe('flushed');
  });
});

describe('contradictions: a clear problem at the line, and what came before it', () => {
  const problem = (r: ImportResult<TraceHistory>) => {
    if (!r.ok) throw new Error(`not partial: ${r.problem.message}`);
    if (!r.partial) throw new Error('expected a problem');
    return { problem: r.problem, history: r.value };
  };
  // These traces start with a reset: the state is known, so a missing pop or fill is a contradiction (a trace
  // that starts mid-run may name elements popped or filled before it: see mid-run tests).
  const known = (lines: string[]) => parse([L.reset(), ...lines]);

  it('a fill without a pop', () => {
    const { problem: p, history } = problem(known([L.kick(), ...readRequest(A, 0), L.fill(B)]));
    expect(p).toMatchObject({ file: 't.log', line: 10 });
    expect(p.message).toMatch(/virtqueue_fill: elem 0xb000 .*fill without a pop/);
    expect(history.lines).toBe(9);
    expect(traceSummary(history).queues[0]).toMatchObject({ pops: 1, fills: 1, used_idx: 1 });
  });

  it('a flush with nothing filled', () => {
    const { problem: p } = problem(known([L.kick(), L.pop(A), L.flush()]));
    expect(p.line).toBe(4);
    expect(p.message).toMatch(/count 1 with nothing filled/);
  });

  it('a flush of more than was filled', () => {
    const { problem: p } = problem(known([L.kick(), L.pop(A), L.pop(B), L.fill(A, 1, 0), L.flush(2)]));
    expect(p.message).toMatch(/count 2 but only 1 element/);
  });

  it('a fill idx that does not follow the fills waiting for a flush', () => {
    const { problem: p } = problem(known([L.kick(), L.pop(A), L.fill(A, 1, 1)]));
    expect(p.message).toMatch(/idx 1 but 0 element/);
  });

  it('an element popped again while the device still holds it', () => {
    const { problem: p } = problem(parse([L.kick(), L.pop(A), L.pop(A)]));
    expect(p).toMatchObject({ line: 3 });
    expect(p.message).toMatch(/popped again .*line 2/);
  });

  it('a fill into another queue than the pop', () => {
    const { problem: p } = problem(parse([L.kick(0, VQ), L.kick(1, VQ1), L.pop(A, 2, 1, VQ), L.fill(A, 1, 0, VQ1)]));
    expect(p.message).toMatch(/popped from vq/);
  });

  it('a request handled or completed that was never popped, or completed twice', () => {
    expect(problem(known([L.kick(), L.read(A, 0)])).problem.message).toMatch(/handle_read: req 0xa000 is not/);
    expect(problem(known([L.kick(), L.rw(A)])).problem.message).toMatch(/rw_complete: req 0xa000 is not/);
    expect(problem(parse([L.kick(), L.pop(A), L.done(A), L.done(A)])).problem.message).toMatch(/completed twice/);
    expect(problem(parse([L.kick(), L.pop(A), L.read(A, 0), L.write(A, 0)])).problem.message).toMatch(
      /already handled/,
    );
  });

  it('a vq kicked under two queue numbers, or shared by two devices', () => {
    expect(problem(parse([L.kick(0), L.kick(1)])).problem.message).toMatch(/was queue 0, now kicked as queue 1/);
    expect(problem(parse([L.kick(0), L.irq(VQ, '0xdead')])).problem.message).toMatch(/belongs to vdev/);
  });

  it('a merged submission of requests that were not handled', () => {
    const { problem: p } = problem(known([L.kick(), L.pop(A), L.read(A, 0), L.multi(2, 0, 8192)]));
    expect(p.message).toMatch(/merges 2 reads .* but 1 handled request/);
  });

  it('an unparsable line of a known event', () => {
    const cases: [string, RegExp][] = [
      [`virtqueue_pop vq ${VQ} elem nope in_num 2 out_num 1`, /elem "nope" is not a pointer/],
      [`virtqueue_pop vq ${VQ} elem ${A} in_num 2`, /expected "vq <vq> elem <elem> in_num <in_num> out_num/],
      [`virtqueue_flush vq ${VQ} count -1`, /count "-1" is not an unsigned/],
      [`virtio_set_status dev ${VDEV} val 0`, /expected "vdev" as argument 1, got "dev"/],
    ];
    for (const [line, message] of cases) {
      const { problem: p } = problem(parse([L.kick(), line, L.kick()]));
      expect(p.line).toBe(2);
      expect(p.message).toMatch(message);
    }
  });

  it('a file cut in the middle of its last line', () => {
    const r = parseTrace({ name: 't.log', text: text([L.kick(), L.pop(A)]) + 'virtqueue_fill vq 0x55d0c0de2000 elem' });
    const { problem: p, history } = problem(r);
    expect(p.line).toBe(3);
    expect(p.message).toMatch(/truncated/);
    expect(history.events.length).toBe(2);
  });

  it('a text with no trace event at all is not a trace (nothing shown)', () => {
    const r = parseTrace({ name: 'notes.txt', text: 'hello\nworld\n' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.message).toMatch(/no QEMU virtio trace events in 2 line/);
  });
});
