import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  VIRTIO_CONFIG_S_NEEDS_RESET,
  VRING_AVAIL_F_NO_INTERRUPT,
  VRING_USED_F_NO_NOTIFY,
} from '../../virtio/constants';
import { hasFeature } from '../../virtio/features';
import { vring_need_event } from '../../virtio/needEvent';
import { SplitRing } from '../../virtio/splitRing';
import { VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC } from '../../virtio/constants';
import type { CompletionOrder, Latency } from './completion';
import type { BlkIoRequest, VirtblkReq } from './driverTypes';
import { qemuVirtioBlkHostFeatures } from './features';
import {
  VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE,
  VIRTIO_BLK_ID_BYTES,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_IN,
  encodeDiscardWriteZeroes,
  encodeOuthdr,
} from './protocol';
import { BlkSystem } from './testing/blkSystem';
import { publishRawChain, type RawBuffer } from './testing/rawRequest';

/** JSON with bigints, byte arrays, typed arrays and maps, as the engine stores checkpoints. */
const toJson = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return { $bigint: x.toString() };
    if (x instanceof Uint8Array) return { $u8: Buffer.from(x).toString('base64') };
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      return { $typed: x.constructor.name, values: Array.from(x as unknown as ArrayLike<number>) };
    }
    if (x instanceof Map) return { $map: [...x.entries()] };
    return x;
  });
const TYPED: Record<string, (v: number[]) => ArrayBufferView> = {
  Uint8Array: (v) => Uint8Array.from(v),
  Uint16Array: (v) => Uint16Array.from(v),
  Uint32Array: (v) => Uint32Array.from(v),
  Float64Array: (v) => Float64Array.from(v),
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fromJson = (text: string): any =>
  JSON.parse(text, (_k, x: unknown) => {
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
      if (typeof o.$u8 === 'string') return new Uint8Array(Buffer.from(o.$u8, 'base64'));
      if (typeof o.$typed === 'string') return TYPED[o.$typed]!(o.values as number[]);
      if (Array.isArray(o.$map)) return new Map(o.$map as [unknown, unknown][]);
    }
    return x;
  });

// Deep-comparing big byte arrays is slow in expect(); compare their base64 text instead.
const b64 = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('base64') : null);

const CAPACITY = 64;
const SERIAL = 'prop-disk';
const s16 = (v: number) => ((v & 0xffff) << 16) >> 16;

interface Scenario {
  queueSize: number;
  eventIdx: boolean;
  indirect: boolean;
  numQueues: number;
  startIdx: number;
  order: CompletionOrder;
  latency: Latency;
  seed: number;
  segmentBytes: number | undefined;
  delivery: 'queued' | 'immediate';
}

type Action = { kind: 'submit'; ios: BlkIoRequest[] } | { kind: 'steps'; n: number };

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    sizeExp: fc.integer({ min: 0, max: 8 }),
    eventIdx: fc.boolean(),
    indirect: fc.boolean(),
    numQueues: fc.integer({ min: 1, max: 3 }),
    startIdx: fc.oneof(fc.constant(0), fc.integer({ min: 65536 - 48, max: 65535 })),
    order: fc.constantFrom<CompletionOrder>('fifo', 'reverse', 'random'),
    latency: fc.oneof(
      fc.integer({ min: 0, max: 3 }).map((ticks): Latency => ({ kind: 'fixed', ticks })),
      fc
        .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 }))
        .map(([min, span]): Latency => ({ kind: 'range', min, max: min + span })),
    ),
    seed: fc.integer(),
    segmentBytes: fc.constantFrom(undefined, 512, 1024),
    delivery: fc.constantFrom<'queued' | 'immediate'>('queued', 'immediate'),
  })
  .map(({ sizeExp, ...rest }) => {
    // Without indirect descriptors a request needs up to 3 ring slots (and Linux counts 2 per request): QEMU
    // refuses rings of 2 or less anyway. Split data segments need room too, so they come with indirect only.
    const minExp = rest.indirect ? 0 : 2;
    return {
      ...rest,
      queueSize: 2 ** Math.max(sizeExp, minExp),
      segmentBytes: rest.indirect ? rest.segmentBytes : undefined,
    };
  });

const ioArb = (numQueues: number): fc.Arbitrary<BlkIoRequest> =>
  fc
    .record({
      op: fc.constantFrom('read', 'read', 'write', 'write', 'flush', 'discard', 'write-zeroes', 'get-id'),
      sector: fc.integer({ min: 0, max: CAPACITY - 1 }),
      nsectors: fc.integer({ min: 1, max: 8 }),
      queue: fc.integer({ min: 0, max: numQueues - 1 }),
      fill: fc.integer({ min: 0, max: 255 }),
      outOfRange: fc.integer({ min: 0, max: 9 }),
      unmap: fc.boolean(),
    })
    .map(({ op, sector, nsectors, queue, fill, outOfRange, unmap }): BlkIoRequest => {
      // Mostly in range; now and then past the end, sent past the block layer so the device must say IOERR.
      const bad = outOfRange === 0 && (op === 'read' || op === 'write');
      const n = bad ? nsectors : Math.min(nsectors, CAPACITY - sector);
      const s = bad ? CAPACITY - 1 + (fill % 3) : sector;
      const base = { sector: s, queue, ...(bad ? { bypassBlockLayer: true } : {}) };
      switch (op) {
        case 'write':
          return {
            op: 'write',
            ...base,
            data: Uint8Array.from({ length: (bad ? nsectors + 1 : n) * 512 }, (_, i) => (i * 31 + fill) & 0xff),
          };
        case 'read':
          return { op: 'read', ...base, nsectors: bad ? nsectors + 1 : n };
        case 'flush':
          return { op: 'flush', queue };
        case 'get-id':
          return { op: 'get-id', queue };
        case 'write-zeroes':
          return { op: 'write-zeroes', sector, nsectors: n, queue, unmap };
        default:
          return { op: 'discard', sector, nsectors: n, queue };
      }
    });

const actionsArb = (numQueues: number): fc.Arbitrary<Action[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .array(ioArb(numQueues), { minLength: 1, maxLength: 6 })
          .map((ios): Action => ({ kind: 'submit', ios })),
      },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 12 }).map((n): Action => ({ kind: 'steps', n })) },
    ),
    { minLength: 1, maxLength: 25 },
  );

function build(sc: Scenario, memorySize = 1 << 20): BlkSystem {
  const r = BlkSystem.create({
    memorySize,
    capacitySectors: CAPACITY,
    numQueues: sc.numQueues,
    driverQueueSize: sc.queueSize,
    hostFeatures: qemuVirtioBlkHostFeatures({
      numQueues: sc.numQueues,
      eventIdx: sc.eventIdx,
      indirectDesc: sc.indirect,
    }),
    startIdx: sc.startIdx,
    order: sc.order,
    latency: sc.latency,
    seed: sc.seed,
    serial: SERIAL,
    delivery: sc.delivery,
    ...(sc.segmentBytes !== undefined ? { segmentBytes: sc.segmentBytes } : {}),
  });
  if (!r.ok) throw new Error(`probe failed: ${r.error.message}`);
  return r.value;
}

/**
 * Watches every kick and interrupt decision and recomputes it from guest memory alone: the driver's kick from
 * avail.idx and the device's avail_event / NO_NOTIFY, the device's interrupt from used.idx and the driver's
 * used_event / NO_INTERRUPT.
 */
function watchNotifications(sys: BlkSystem, sc: Scenario) {
  const rings = sys.driver.vqs.map((vq) => new SplitRing(sys.mem, vq.ring.addrs));
  const event = hasFeature(sys.features, VIRTIO_RING_F_EVENT_IDX);
  const lastKickIdx = rings.map(() => sc.startIdx & 0xffff);
  const signalled = rings.map(() => 0);
  const valid = rings.map(() => false);
  const stats = { kickTrue: 0, kickChecks: 0, irqChecks: 0, mismatches: [] as string[] };

  sys.driver.onKickDecision = (q, kick) => {
    const ring = rings[q]!;
    const newIdx = ring.availIdx();
    const oldIdx = lastKickIdx[q]!;
    const expected = event
      ? vring_need_event(ring.availEvent(), newIdx, oldIdx)
      : (ring.usedFlags() & VRING_USED_F_NO_NOTIFY) === 0;
    lastKickIdx[q] = newIdx;
    stats.kickChecks++;
    if (kick) stats.kickTrue++;
    if (kick !== expected) stats.mismatches.push(`kick q${q}: got ${kick}, memory says ${expected}`);
  };
  // The decision is read from memory right after the push and before the interrupt goes out: with immediate
  // delivery the driver runs inside virtio_notify and moves used_event.
  // A stack per queue: with immediate delivery a completion can nest inside another's interrupt.
  const expectedIrq: boolean[][] = rings.map(() => []);
  const priorComplete = sys.device.onRequestComplete;
  sys.device.onRequestComplete = (rec) => {
    priorComplete?.(rec);
    const q = rec.queue;
    const ring = rings[q]!;
    const newIdx = ring.usedIdx();
    // QEMU's flush forgets the last signalled position when used.idx did not move past it.
    if (s16(newIdx - signalled[q]!) < 1) valid[q] = false;
    if (!event) {
      expectedIrq[q]!.push((ring.availFlags() & VRING_AVAIL_F_NO_INTERRUPT) === 0);
    } else {
      expectedIrq[q]!.push(!valid[q] || vring_need_event(ring.usedEvent(), newIdx, signalled[q]!));
      valid[q] = true;
      signalled[q] = newIdx;
    }
  };
  sys.device.onNotifyDecision = (q, sent) => {
    stats.irqChecks++;
    const expected = expectedIrq[q]!.pop();
    if (sent !== expected) stats.mismatches.push(`irq q${q}: got ${sent}, memory said ${expected}`);
  };
  return stats;
}

/**
 * Checks every completion against a model of the disk. The disk changes in the order the device completes
 * requests, which across queues is not the order the driver sees them; within a queue it is. So each driver
 * completion is matched to the device's completion on the same queue, and the model is replayed in device order.
 */
function watchCompletions(sys: BlkSystem) {
  const doneCount = new Map<number, number>();
  const problems: string[] = [];
  const deviceOrder: { head: number; seq: number }[][] = sys.driver.vqs.map(() => []);
  const ringDone: { seq: number; req: VirtblkReq }[] = [];
  let seq = 0;
  sys.device.onRequestComplete = (rec) => deviceOrder[rec.queue]!.push({ head: rec.head, seq: seq++ });
  sys.driver.onRequestDone = (r) => {
    doneCount.set(r.id, (doneCount.get(r.id) ?? 0) + 1);
    const expected = r.sector + r.nsectors <= CAPACITY ? 'BLK_STS_OK' : 'BLK_STS_IOERR';
    if (r.result !== expected) problems.push(`req ${r.id} ${r.op} ${r.sector}+${r.nsectors}: ${r.result}`);
    if (r.head === null) return;
    const dev = deviceOrder[r.queue]!.shift();
    if (!dev || dev.head !== r.head) problems.push(`req ${r.id}: device completed ${dev?.head} on q${r.queue}`);
    else ringDone.push({ seq: dev.seq, req: r });
    if (r.op === 'read' && r.result === 'BLK_STS_OK' && r.usedLen !== r.nsectors * 512 + 1) {
      problems.push(`req ${r.id} read used.len ${r.usedLen}`);
    }
    if (r.op === 'get-id') {
      // QEMU copies the serial and its NUL; used.len counts the whole 20-byte buffer and the status.
      const serial = new TextDecoder().decode(r.readData!.subarray(0, SERIAL.length + 1));
      if (serial !== `${SERIAL}\0` || r.usedLen !== VIRTIO_BLK_ID_BYTES + 1) problems.push(`req ${r.id} get-id`);
    } else if (r.op !== 'read' && r.usedLen !== 1) problems.push(`req ${r.id} ${r.op} used.len ${r.usedLen}`);
  };
  /** Replays the completions in device order against a fresh model. */
  const replay = () => {
    const model = new Uint8Array(CAPACITY * 512);
    for (const { req: r } of [...ringDone].sort((a, b) => a.seq - b.seq)) {
      if (r.result !== 'BLK_STS_OK') continue;
      const at = r.sector * 512;
      if (r.op === 'write') model.set(r.writeData!, at);
      else if (r.op === 'discard' || r.op === 'write-zeroes') model.fill(0, at, at + r.nsectors * 512);
      else if (r.op === 'read') {
        const want = model.subarray(at, at + r.nsectors * 512);
        if (!r.readData || !r.readData.every((b, i) => b === want[i])) problems.push(`req ${r.id} read mismatch`);
      }
    }
    const disk = sys.disk.read(0, CAPACITY);
    if (!disk.ok || !disk.value.every((b, i) => b === model[i])) problems.push('final disk differs from the model');
    return problems;
  };
  return { doneCount, replay };
}

describe('virtio-blk, driver and device together (property)', () => {
  it('completes every request once, keeps the data, frees the ring, and notifies exactly as memory says', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((sc) => fc.tuple(fc.constant(sc), actionsArb(sc.numQueues))),
        ([sc, actions]) => {
          const sys = build(sc);
          const seen = watchCompletions(sys);
          const notes = watchNotifications(sys, sc);
          const submitted: VirtblkReq[] = [];
          for (const a of actions) {
            if (a.kind === 'submit') {
              submitted.push(...(a.ios.length === 1 ? [sys.submit(a.ios[0]!)] : sys.submitBatch(a.ios)));
            } else {
              for (let i = 0; i < a.n && sys.step() !== null; i++);
            }
          }
          sys.runUntilIdle(200_000);

          // Every request ended exactly once, as the model expected.
          expect(seen.replay()).toEqual([]);
          for (const r of submitted) {
            expect(r.state).toBe('completed');
            expect(seen.doneCount.get(r.id)).toBe(1);
          }
          expect(sys.driver.outstanding).toBe(0);
          expect(sys.device.inFlight).toBe(0);
          expect(sys.device.errors).toEqual([]);

          // The rings are empty again and the request buffers were all given back.
          for (const vq of sys.driver.vqs) {
            expect(vq.state.num_free).toBe(sc.queueSize);
            expect(vq.virtqueue_is_broken()).toBe(false);
          }
          const leftovers = sys.allocator.all().filter((r) => r.owner !== undefined);
          expect(leftovers).toEqual([]);

          // Kicks: each one the device got was asked for by kick_prepare (or forced on ENOSPC).
          expect(notes.mismatches).toEqual([]);
          expect(sys.driver.counters.kicks).toBe(notes.kickTrue);
          expect(sys.device.counters.kicksReceived).toBe(
            sys.driver.counters.kicks + sys.driver.counters.forcedNotifies,
          );
          expect(sys.driver.counters.kicksSuppressed).toBe(notes.kickChecks - notes.kickTrue);
          // Interrupts: every one sent was delivered, and every push had a decision.
          const d = sys.device.counters;
          const c = sys.driver.counters;
          expect(d.interruptsSent).toBe(c.interrupts + c.spuriousInterrupts + c.interruptsMerged);
          expect(notes.irqChecks).toBe(d.completed);
          expect(d.interruptsSent + d.interruptsSuppressed).toBe(d.completed);
          // Reads put data + status in used.len, everything else just the status byte (checked per request).
          expect(sys.driver.counters.added).toBe(d.requests);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('is deterministic: the same seed and workload give the same completion order', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((sc) => fc.tuple(fc.constant(sc), actionsArb(sc.numQueues))),
        ([sc, actions]) => {
          const run = () => {
            const sys = build(sc);
            const order: number[] = [];
            sys.driver.onRequestDone = (r) => order.push(r.id);
            for (const a of actions) {
              if (a.kind === 'submit') sys.submitBatch(a.ios);
              else for (let i = 0; i < a.n && sys.step() !== null; i++);
            }
            sys.runUntilIdle(200_000);
            return { order, used: sys.device.records.map((r) => [r.head, r.completeTick]) };
          };
          expect(run()).toEqual(run());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('goes back to a checkpoint (through JSON) and replays the same future', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((sc) => fc.tuple(fc.constant(sc), actionsArb(sc.numQueues), fc.nat())),
        ([sc, actions, cutSeed]) => {
          const sys = build(sc, 256 << 10);
          const apply = (list: Action[]) => {
            for (const a of list) {
              if (a.kind === 'submit') sys.submitBatch(a.ios);
              else for (let i = 0; i < a.n && sys.step() !== null; i++);
            }
          };
          const cut = cutSeed % (actions.length + 1);
          apply(actions.slice(0, cut));
          const snap = fromJson(toJson(sys.snapshot()));
          const future = () => {
            const done: unknown[] = [];
            sys.driver.onRequestDone = (r) => done.push([r.id, r.result, b64(r.readData), r.usedLen]);
            apply(actions.slice(cut));
            sys.runUntilIdle(200_000);
            return {
              done,
              disk: b64(new Uint8Array(sys.disk.buffer)),
              device: sys.device.records.map((r) => [r.id, r.head, r.state, r.completeTick]),
              counters: [{ ...sys.driver.counters }, { ...sys.device.counters }],
              free: sys.driver.vqs.map((vq) => vq.state.num_free),
            };
          };
          const first = future();
          sys.restore(snap);
          expect(future()).toEqual(first);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('exercises the paths that matter: ENOSPC with a stopped queue, suppressed kicks and interrupts', () => {
    // Not a property of one run: across the scenarios above these paths must all occur, or the test is weak.
    const totals = { enospc: 0, restarts: 0, kicksSuppressed: 0, irqSuppressed: 0, spurious: 0 };
    fc.assert(
      fc.property(
        scenarioArb.chain((sc) => fc.tuple(fc.constant(sc), actionsArb(sc.numQueues))),
        ([sc, actions]) => {
          const sys = build(sc);
          for (const a of actions) {
            if (a.kind === 'submit') sys.submitBatch(a.ios);
            else for (let i = 0; i < a.n && sys.step() !== null; i++);
          }
          sys.runUntilIdle(200_000);
          totals.enospc += sys.driver.counters.enospc;
          totals.restarts += sys.driver.counters.queueRestarts;
          totals.kicksSuppressed += sys.driver.counters.kicksSuppressed;
          totals.irqSuppressed += sys.device.counters.interruptsSuppressed;
          totals.spurious += sys.driver.counters.spuriousInterrupts;
          expect(sys.driver.outstanding).toBe(0);
        },
      ),
      { numRuns: 150, seed: 20261125 },
    );
    expect(totals.enospc).toBeGreaterThan(0);
    expect(totals.restarts).toBeGreaterThan(0);
    expect(totals.kicksSuppressed).toBeGreaterThan(0);
    expect(totals.irqSuppressed).toBeGreaterThan(0);
  });
});

type Malformation = 'outhdr-too-short' | 'no-in' | 'no-out' | 'discard-header-too-short';

describe('malformed requests built by hand (property)', () => {
  it('give the typed error, DEVICE_NEEDS_RESET, and no used entry', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Malformation>('outhdr-too-short', 'no-in', 'no-out', 'discard-header-too-short'),
        fc.integer({ min: 2, max: 8 }).map((e) => 2 ** e),
        fc.oneof(fc.constant(0), fc.integer({ min: 65530, max: 65535 })),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        (kind, queueSize, startIdx, before, eventIdx) => {
          const created = BlkSystem.create({
            capacitySectors: CAPACITY,
            driverQueueSize: queueSize,
            startIdx,
            hostFeatures: qemuVirtioBlkHostFeatures({ eventIdx, indirectDesc: false }),
          });
          if (!created.ok) throw new Error(created.error.message);
          const sys = created.value;
          // Some good traffic first, so the indices have moved.
          for (let i = 0; i < before; i++) sys.submit({ op: 'read', sector: i, nsectors: 1 });
          sys.runUntilIdle();
          expect(sys.driver.outstanding).toBe(0);

          const vq = sys.driver.vqs[0]!;
          const ring = vq.ring;
          const buf = sys.allocator.allocate(64, 16, 'other', 'hand-made request').start;
          const status = buf + 48;
          let bufs: RawBuffer[];
          switch (kind) {
            case 'outhdr-too-short':
              sys.mem.writeBytes(buf, encodeOuthdr({ type: VIRTIO_BLK_T_IN, sector: 0 }).subarray(0, 15));
              bufs = [
                { addr: buf, len: 15, write: false },
                { addr: status, len: 1, write: true },
              ];
              break;
            case 'no-in':
              sys.mem.writeBytes(buf, encodeOuthdr({ type: VIRTIO_BLK_T_IN, sector: 0 }));
              bufs = [{ addr: buf, len: 16, write: false }];
              break;
            case 'no-out':
              bufs = [{ addr: status, len: 1, write: true }];
              break;
            case 'discard-header-too-short':
              sys.mem.writeBytes(buf, encodeOuthdr({ type: VIRTIO_BLK_T_DISCARD, sector: 0 }));
              sys.mem.writeBytes(buf + 16, encodeDiscardWriteZeroes({ sector: 0, num_sectors: 1 }));
              bufs = [
                { addr: buf, len: 16, write: false },
                { addr: buf + 16, len: VIRTIO_BLK_DISCARD_WRITE_ZEROES_SIZE - 8, write: false },
                { addr: status, len: 1, write: true },
              ];
              break;
          }
          const usedBefore = ring.usedIdx();
          publishRawChain(ring, 0, bufs, vq.state.avail_idx_shadow);
          sys.device.virtio_blk_handle_output(0);

          const expected = {
            'outhdr-too-short': 'blk-outhdr-too-short',
            'no-in': 'blk-missing-headers',
            'no-out': 'blk-missing-headers',
            'discard-header-too-short': 'blk-discard-header-too-short',
          }[kind];
          expect(sys.device.errors.map((e) => e.kind)).toEqual([expected]);
          expect(sys.device.vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET).toBe(VIRTIO_CONFIG_S_NEEDS_RESET);
          expect(sys.device.vdev.broken).toBe(true);
          expect(ring.usedIdx()).toBe(usedBefore);
          expect(sys.configInterrupts).toBe(1);
          // A broken device ignores later kicks.
          const popped = sys.device.counters.requests;
          sys.device.virtio_blk_handle_output(0);
          expect(sys.device.counters.requests).toBe(popped);
          expect(hasFeature(sys.features, VIRTIO_RING_F_INDIRECT_DESC)).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });
});
