import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../types';
import type { TraceHistory } from './history';
import { parseTrace } from './parser';
import { requestsOnNoQueue, requestsOnNoQueueNear, requestsNear, stateKnownAt } from './query';
import { traceSummary } from './summary';
import { L, text, VQ } from './testing/lines';
import { QEMU_SAMPLES } from '../../testing/samples';

const SAMPLE_LINES = readFileSync(`${QEMU_SAMPLES}/trace-default.log`, 'utf8').trimEnd().split('\n');
/** 1-based lines `from`..`to` of the sample, as `sed -n from,to p` would cut them. */
const cut = (from: number, to: number) => SAMPLE_LINES.slice(from - 1, to);
/** The same lines as a second virtio-blk device would log them: every QEMU pointer moved (vdev, vq, elems). */
const secondDevice = (lines: string[]) => lines.map((l) => l.replaceAll('0x561c1b', '0x561c2b'));
const VDEV_A = '0x561c1b8d1f80';
const VDEV_B = '0x561c2b8d1f80';
const VQ_A = '0x561c1b8dca70';
const VQ_B = '0x561c2b8dca70';
/** Sample lines 24..29: device A reset (twice), then driver init up to DRIVER_OK. */
const RESET_A = cut(24, 29);

const whole = (r: ImportResult<TraceHistory>): TraceHistory => {
  if (!r.ok || r.partial) throw new Error(JSON.stringify(r.problem));
  return r.value;
};
const parse = (lines: string[]) => parseTrace({ name: 'two.log', text: text(lines) });
const queueOf = (h: TraceHistory, vq: string) => h.queues.findIndex((q) => q.vq === vq);

describe('a trace of two devices where only one was reset', () => {
  it('B’s queue, first seen (by a fill) after A’s reset, is not known', () => {
    // B from the sample's line 1500: a write whose pop is cut off; its fill (1503) is the first line naming B's vq.
    const h = whole(parse([...RESET_A, ...secondDevice(cut(1500, 1530))]));
    const a = traceSummary(h);
    const b = a.queues[queueOf(h, VQ_B)]!;
    expect(b).toMatchObject({ device: VDEV_B, stateKnown: false, resets: 0 });
    expect(b.beforeTrace).toEqual({ requests: 1, unnamedElements: 0 });
    expect(h.startsMidRun).toBe(true);
    expect(a.devices.map((d) => [d.vdev, d.resets])).toEqual([
      [VDEV_A, 2],
      [VDEV_B, 0],
    ]);
  });

  it('B’s queue first seen by a flush after A’s reset: the element it flushes was filled before the trace', () => {
    // Sample line 1504: the flush of an element filled before the cut. Were B's queue taken as zeroed by A's
    // reset, it would be a contradiction ("count 1 with nothing filled").
    const h = whole(parse([...RESET_A, ...secondDevice(cut(1504, 1530))]));
    const b = traceSummary(h).queues[queueOf(h, VQ_B)]!;
    expect(b).toMatchObject({ device: VDEV_B, stateKnown: false, flushes: 4 });
    expect(b.beforeTrace).toEqual({ requests: 0, unnamedElements: 1 });
  });

  it('B’s queue first seen by a pop (no device named yet) is assumed known, then not once B is named', () => {
    // Line 1497 on: alloc, pop of a write (1498), then its handle_write names vdev B.
    const h = whole(parse([...RESET_A, ...secondDevice(cut(1497, 1530))]));
    const s = queueOf(h, VQ_B);
    expect(h.queues[s]).toMatchObject({ device: 1, stateKnown: false, knownFromEvent: -1 });
    expect(stateKnownAt(h, s, h.events.length - 1)).toBe(false);
    expect(h.startsMidRun).toBe(true);
  });

  it('B’s queue first seen by its kick after A’s reset is not known from the start', () => {
    const h = whole(parse([...RESET_A, ...secondDevice(cut(1505, 1530))]));
    expect(h.queues[queueOf(h, VQ_B)]).toMatchObject({ stateKnown: false, knownFromEvent: -1 });
  });

  it('(control) A’s own queue first seen after A’s reset is known from its first event, as before', () => {
    const h = whole(parse([...RESET_A, ...cut(1505, 1530), ...secondDevice(cut(1505, 1530))]));
    expect(h.queues[queueOf(h, VQ_A)]).toMatchObject({ stateKnown: true, knownFromEvent: 0 });
    expect(h.queues[queueOf(h, VQ_B)]).toMatchObject({ stateKnown: false });
  });

  it('B’s queue becomes known at B’s own reset, not at A’s', () => {
    const bReset = secondDevice(cut(24, 29));
    const h = whole(parse([...secondDevice(cut(1497, 1515)), ...RESET_A, ...bReset, ...secondDevice(cut(1506, 1515))]));
    const s = queueOf(h, VQ_B);
    const bResetEvent = h.events.line.indexOf(19 + 6 + 1);
    expect(h.queues[s]).toMatchObject({ stateKnown: true, knownFromEvent: bResetEvent });
  });

  it('a queue first seen untied whose device turns out reset before it is known after all', () => {
    // One device: a pop before any kick names the vq (ioeventfd kicks are not traced).
    const h = whole(parse([L.reset(), L.status(15), L.pop('0xa0'), L.read('0xa0', 0), L.rw('0xa0'), L.done('0xa0')]));
    expect(h.startsMidRun).toBe(false);
    expect(h.queues[0]).toMatchObject({ stateKnown: true, knownFromEvent: 0, device: 0 });
  });

  it('an untied queue that showed earlier work, then tied to a device reset before it: a contradiction', () => {
    const r = parse([L.reset(), L.status(15), L.flush(), L.irq()]);
    if (!r.ok || !r.partial) throw new Error('expected a partial result');
    expect(r.problem).toMatchObject({ line: 4 });
    expect(r.problem.message).toMatch(
      new RegExp(`virtio_notify: vq ${VQ} belongs to vdev .*, reset at line 1 before the vq's first line 3, yet`),
    );
  });

  it('one device: a fill without a pop on a kicked queue after a reset is still a contradiction', () => {
    const r = parse([L.reset(), L.status(15), L.kick(), L.fill('0xa0')]);
    if (!r.ok || !r.partial) throw new Error('expected a partial result');
    expect(r.problem).toMatchObject({ line: 4 });
  });
});

describe('a request on no known queue (the trace ends before its fill)', () => {
  // Sample line 1500 on, cut before 1503's fill: the write's handle and completions are there, its vq is not.
  const h = whole(parse(cut(1500, 1502)));

  it('is counted and listed apart, not dropped', () => {
    expect(h.requests.queue[0]).toBe(-1);
    expect(requestsOnNoQueue(h)).toBe(1);
    const rows = requestsOnNoQueueNear(h, h.events.length - 1, 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queue: -1, op: 'write', sector: 12288, status: 0, beforeTrace: true });
    // The per-queue list does not have it (there is no queue: the trace names none).
    expect(h.queues).toHaveLength(0);
    expect(requestsNear(h, 0, h.events.length - 1, 10)).toEqual([]);
  });

  it('the summary says what the trace told of it', () => {
    expect(traceSummary(h).requestsOnNoQueue).toEqual({
      requests: 1,
      reads: 0,
      writes: 1,
      completions: { VIRTIO_BLK_S_OK: 1 },
      held: 1,
    });
  });

  it('with a queue of its own device in the trace: that queue’s list is the queue’s; the unplaced one stays apart', () => {
    // Two requests begun before the cut; the second's fill names the vq, the first's never comes.
    const lines = [L.read('0xa0', 0), L.read('0xb0', 8), L.rw('0xb0'), L.done('0xb0'), L.fill('0xb0'), L.flush()];
    const two = whole(parse(lines));
    // The device has one queue now, but a request named before it could be another queue's: not guessed.
    expect(requestsOnNoQueue(two)).toBe(1);
    expect(requestsNear(two, 0, two.events.length - 1, 10).map((r) => r.sector)).toEqual([8]);
    expect(requestsOnNoQueueNear(two, two.events.length - 1, 10).map((r) => r.sector)).toEqual([0]);
    expect(traceSummary(two).requestsOnNoQueue).toMatchObject({ requests: 1, reads: 1, completions: {}, held: 1 });
  });

  it('a trace that starts at a reset has none', () => {
    expect(traceSummary(whole(parse(SAMPLE_LINES))).requestsOnNoQueue).toEqual({
      requests: 0,
      reads: 0,
      writes: 0,
      completions: {},
      held: 0,
    });
  });
});
