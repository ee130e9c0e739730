import { describe, expect, it } from 'vitest';
import { AllocationMap } from '../../virtio/allocationMap';
import { GuestMemory } from '../../virtio/guestMemory';
import { VirtIOBlock } from './device';
import { DiskImage } from './disk';
import { VirtioBlk } from './driver';
import { emptyVirtioBlkConfig } from './config';
import { qemuVirtioBlkHostFeatures } from './features';
import { virtblk_probe } from './probe';
import { BlkSystem, type BlkSystemOptions } from './testing/blkSystem';

const pattern = (sectors: number, seed = 0) =>
  Uint8Array.from({ length: sectors * 512 }, (_, i) => (i * 7 + seed) & 0xff);

function make(opts: BlkSystemOptions = {}): BlkSystem {
  const r = BlkSystem.create({ capacitySectors: 64, ...opts });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Driver and device wired synchronously: a kick runs the device at once, an interrupt reaches the driver at once. */
function makeSync(opts: { queueSize: number; indirect: boolean }) {
  const mem = GuestMemory.create(1 << 20, false);
  const allocator = new AllocationMap(mem.size);
  const device = new VirtIOBlock({
    mem,
    disk: new DiskImage({ capacitySectors: 64 }),
    queueSize: opts.queueSize,
    hostFeatures: qemuVirtioBlkHostFeatures({ indirectDesc: opts.indirect }),
    latency: { kind: 'fixed', ticks: 0 },
  });
  const probed = virtblk_probe({
    device: device.vdev,
    mem,
    allocator,
    notify: (q) => {
      device.virtio_blk_handle_output(q);
      return true;
    },
  });
  if (!probed.ok) throw new Error(probed.error.message);
  const driver = probed.value.blk;
  const irqResults: string[] = [];
  device.onInterrupt = (q) => {
    if (q !== 'config') irqResults.push(driver.vring_interrupt(q));
  };
  return { device, driver, irqResults };
}

describe('virtblk_probe results', () => {
  it('sizes the tag set from the ring, halved without indirect descriptors', () => {
    const a = make({ driverQueueSize: 16 });
    expect(a.driver.queue_depth).toBe(16);
    expect(a.driver.num_vqs).toBe(1);
    expect(a.driver.capacity).toBe(64);
    expect(a.driver.writeback).toBe(true);
    expect(a.driver.sg_elems).toBe(254);
    const b = make({ driverQueueSize: 16, hostFeatures: qemuVirtioBlkHostFeatures({ indirectDesc: false }) });
    expect(b.driver.queue_depth).toBe(8);
    const c = make({ queueDepth: 3 });
    expect(c.driver.queue_depth).toBe(3);
  });

  it('uses one queue per CPU at most, and MQ only when negotiated', () => {
    expect(make({ numQueues: 4 }).driver.num_vqs).toBe(4);
    expect(make({ numQueues: 4, nrCpus: 2 }).driver.num_vqs).toBe(2);
  });

  it('takes write-through from the config when CONFIG_WCE is negotiated', () => {
    const noWce = make({ hostFeatures: qemuVirtioBlkHostFeatures({ writeCache: false }) });
    expect(noWce.driver.writeback).toBe(false);
    const plain = make({ hostFeatures: qemuVirtioBlkHostFeatures({ writeCache: false, configWce: false }) });
    expect(plain.driver.writeback).toBe(false);
    const wce = make({ hostFeatures: qemuVirtioBlkHostFeatures({ configWce: false }) });
    expect(wce.driver.writeback).toBe(true);
  });
});

describe('requests', () => {
  it('lay out header, data and status with the right directions and owners', () => {
    const sys = make();
    const w = sys.submit({ op: 'write', sector: 2, data: pattern(2, 3) });
    expect(w.state).toBe('in-flight');
    expect(w.out.map((s) => s.len)).toEqual([16, 1024]);
    expect(w.in_.map((s) => s.len)).toEqual([1]);
    const kinds = sys.allocator
      .all()
      .filter((r) => r.owner === w.id)
      .map((r) => r.kind);
    // With INDIRECT_DESC the chain's table belongs to the request too.
    expect(kinds.sort()).toEqual(['blk-header', 'data-buffer', 'indirect-table', 'status-byte']);
    const r = sys.submit({ op: 'read', sector: 2, nsectors: 2 });
    expect(r.out.map((s) => s.len)).toEqual([16]);
    expect(r.in_.map((s) => s.len)).toEqual([1024, 1]);
    sys.runUntilIdle();
    expect(r.readData).toEqual(pattern(2, 3));
    expect(sys.allocator.all().filter((x) => x.owner !== undefined)).toEqual([]);
    expect(sys.driver.counters).toMatchObject({ submitted: 2, added: 2, completed: 2, ok: 2 });
  });

  it('send discard and write-zeroes ranges in the out list, GET_ID and flush as well', () => {
    const sys = make({ serial: 'disk-7' });
    sys.disk.write(0, pattern(4, 1));
    const d = sys.submit({ op: 'discard', sector: 1, nsectors: 1 });
    const z = sys.submit({ op: 'write-zeroes', sector: 3, nsectors: 1, unmap: false });
    const id = sys.submit({ op: 'get-id' });
    const f = sys.submit({ op: 'flush' });
    expect(d.out.map((s) => s.len)).toEqual([16, 16]);
    expect(f.out.map((s) => s.len)).toEqual([16]);
    expect(f.in_.map((s) => s.len)).toEqual([1]);
    sys.runUntilIdle();
    for (const r of [d, z, id, f]) expect(r.result).toBe('BLK_STS_OK');
    expect(new TextDecoder().decode(id.readData!.subarray(0, 7))).toBe('disk-7\0');
    const disk = sys.disk.read(0, 4);
    if (!disk.ok) throw new Error();
    expect(disk.value.subarray(512, 1024).every((b) => b === 0)).toBe(true);
    expect(disk.value.subarray(1536).every((b) => b === 0)).toBe(true);
    expect(disk.value.subarray(0, 512)).toEqual(pattern(1, 1));
  });

  it('split data into segments when asked, within seg_max', () => {
    const sys = make({ segmentBytes: 512 });
    const w = sys.submit({ op: 'write', sector: 0, data: pattern(3) });
    expect(w.out.map((s) => s.len)).toEqual([16, 512, 512, 512]);
    sys.runUntilIdle();
    expect(w.result).toBe('BLK_STS_OK');
  });

  it('are refused by the block layer before the ring, unless told to bypass it', () => {
    const sys = make({ hostFeatures: qemuVirtioBlkHostFeatures({ discard: false }) });
    const past = sys.submit({ op: 'read', sector: 63, nsectors: 2 });
    expect(past).toMatchObject({ state: 'rejected', result: 'BLK_STS_IOERR', head: null });
    expect(past.rejectReason).toMatch(/beyond end/);
    const disc = sys.submit({ op: 'discard', sector: 0, nsectors: 1 });
    expect(disc.state).toBe('rejected');
    const forced = sys.submit({ op: 'discard', sector: 0, nsectors: 1, bypassBlockLayer: true });
    const forcedRead = sys.submit({ op: 'read', sector: 63, nsectors: 2, bypassBlockLayer: true });
    sys.runUntilIdle();
    expect(forced.result).toBe('BLK_STS_NOTSUPP');
    expect(forcedRead.result).toBe('BLK_STS_IOERR');
    expect(sys.driver.counters).toMatchObject({ rejected: 2, notsupp: 1 });
  });

  it('a flush on a write-through disk completes without reaching the device', () => {
    const sys = make({ hostFeatures: qemuVirtioBlkHostFeatures({ writeCache: false, configWce: false }) });
    const f = sys.submit({ op: 'flush' });
    expect(f).toMatchObject({ state: 'completed', result: 'BLK_STS_OK', head: null });
    expect(sys.pendingKicks).toEqual([]);
  });

  it('refuse a queue that does not exist', () => {
    expect(() => make().submit({ op: 'flush', queue: 1 })).toThrow(RangeError);
  });
});

describe('ring full', () => {
  it('ENOSPC stops the queue, kicks, and virtblk_done restarts it', () => {
    // 4 slots, no indirect: 2 tags, but each request takes 3 descriptors.
    const sys = make({ driverQueueSize: 4, hostFeatures: qemuVirtioBlkHostFeatures({ indirectDesc: false }) });
    const reqs = sys.submitBatch([0, 1, 2].map((s) => ({ op: 'read' as const, sector: s, nsectors: 1 })));
    expect(reqs.map((r) => r.state)).toEqual(['in-flight', 'pending', 'pending']);
    expect(sys.driver.isStopped(0)).toBe(true);
    expect(sys.driver.pending(0).map((r) => r.id)).toEqual([1, 2]);
    expect(sys.driver.inFlight(0)).toBe(1);
    expect(sys.driver.counters).toMatchObject({ enospc: 1, queueStops: 1, forcedNotifies: 1 });
    sys.runUntilIdle();
    expect(reqs.map((r) => r.result)).toEqual(['BLK_STS_OK', 'BLK_STS_OK', 'BLK_STS_OK']);
    expect(reqs[1]!.attempts).toBe(2);
    expect(sys.driver.counters.queueRestarts).toBeGreaterThanOrEqual(1);
    expect(sys.driver.vqs[0]!.state.num_free).toBe(4);
  });

  it('virtblk_done never submits: a restarted queue runs later, in blk_mq_run_work_fn (Linux: kblockd)', () => {
    const fns: string[] = [];
    const tracer = { enter: (fn: string) => fns.push(fn), leave: () => {}, barrier: () => {} };
    const sys = make({ driverQueueSize: 4, hostFeatures: qemuVirtioBlkHostFeatures({ indirectDesc: false }), tracer });
    sys.submitBatch([0, 1, 2].map((s) => ({ op: 'read' as const, sector: s, nsectors: 1 })));
    expect(sys.driver.hasDeferredRun(0)).toBe(false);
    let event = sys.step();
    while (event !== null && event.kind !== 'interrupt') event = sys.step();
    expect(event).toMatchObject({ kind: 'interrupt', result: 'IRQ_HANDLED' });
    // The handler completed request 0 and restarted the queue, but left requests 1 and 2 waiting.
    expect(sys.driver.isStopped(0)).toBe(false);
    expect(sys.driver.pending(0).map((r) => r.id)).toEqual([1, 2]);
    expect(sys.driver.hasDeferredRun(0)).toBe(true);
    fns.length = 0;
    expect(sys.step()).toEqual({ kind: 'run', queue: 0 });
    expect(fns.slice(0, 3)).toEqual(['blk_mq_run_work_fn', 'blk_mq_run_hw_queue', 'virtio_queue_rq']);
    expect(sys.driver.hasDeferredRun(0)).toBe(false);
    expect(sys.driver.pending(0).map((r) => r.id)).toEqual([2]);
  });

  it('an interrupt during the locked ENOSPC kick is taken after the lock is released', () => {
    const { driver, irqResults } = makeSync({ queueSize: 4, indirect: false });
    const reqs = driver.submitBatch([{ op: 'get-id' }, { op: 'get-id' }]);
    expect(irqResults[0]).toBe('IRQ_DEFERRED');
    expect(reqs.map((r) => r.result)).toEqual(['BLK_STS_OK', 'BLK_STS_OK']);
    expect(driver.outstanding).toBe(0);
    expect(driver.counters.enospc).toBe(1);
  });

  it('out of guest memory for buffers leaves the request waiting (BLK_STS_RESOURCE)', () => {
    const sys = make({ memorySize: 32 * 1024, driverQueueSize: 8 });
    const big = sys.submit({ op: 'read', sector: 0, nsectors: 64 });
    expect(big.state).toBe('pending');
    expect(big.attempts).toBe(1);
    expect(big.out_hdr).toBeNull();
    expect(sys.driver.outstanding).toBe(1);
    // Nothing else holds memory: the request stays, the others go by once it is out of the way.
  });
});

describe('interrupts and errors', () => {
  it('counts a spurious interrupt', () => {
    const sys = make();
    expect(sys.driver.vring_interrupt(0)).toBe('IRQ_NONE');
    expect(sys.driver.counters.spuriousInterrupts).toBe(1);
  });

  it('a used id out of range breaks the queue and is reported', () => {
    const sys = make({ latency: { kind: 'fixed', ticks: 0 } });
    sys.submit({ op: 'read', sector: 0, nsectors: 1 });
    while (sys.pendingInterrupts.length === 0) sys.step();
    const ring = sys.driver.vqs[0]!.ring;
    ring.setUsedElem(0, { id: 999, len: 1 });
    sys.step();
    expect(sys.driver.lastError?.kind).toBe('used-id-out-of-range');
    expect(sys.driver.vqs[0]!.virtqueue_is_broken()).toBe(true);
    expect(sys.driver.outstanding).toBe(1);
  });

  it('a batch kicks once, for the last request', () => {
    const sys = make();
    sys.submitBatch([0, 1, 2].map((s) => ({ op: 'read' as const, sector: s, nsectors: 1 })));
    expect(sys.kickLog).toEqual([0]);
    sys.runUntilIdle();
    expect(sys.driver.counters.completed).toBe(3);
  });
});

describe('VirtioBlk construction', () => {
  it('needs queues and a non-empty tag set', () => {
    const mem = GuestMemory.create(1 << 16, false);
    const allocator = new AllocationMap(mem.size);
    const base = { mem, allocator, features: 0n, config: emptyVirtioBlkConfig(), notify: () => true };
    expect(() => new VirtioBlk({ ...base, queues: [] })).toThrow(RangeError);
    const ring = { size: 1, desc: 0x1000, avail: 0x2000, used: 0x3000 };
    expect(() => new VirtioBlk({ ...base, queues: [ring], zeroRing: true })).toThrow(/queue depth 0/);
  });
});

describe('saveState / loadState', () => {
  it('round-trips requests, dispatch lists and ring state, sharing request objects', () => {
    const sys = make({ driverQueueSize: 4, hostFeatures: qemuVirtioBlkHostFeatures({ indirectDesc: false }) });
    sys.submitBatch([0, 1, 2].map((s) => ({ op: 'read' as const, sector: s, nsectors: 1 })));
    const snap = sys.snapshot();
    expect(sys.driver.nextRequestId).toBe(3);
    sys.runUntilIdle();
    expect(sys.driver.outstanding).toBe(0);
    sys.restore(snap);
    expect(sys.driver.outstanding).toBe(3);
    expect(sys.driver.isStopped(0)).toBe(true);
    const pending = sys.driver.pending(0);
    expect(pending.map((r) => r.id)).toEqual([1, 2]);
    expect(sys.driver.requests.get(1)).toBe(pending[0]);
    expect(sys.driver.vqs[0]!.desc_state.find((d) => d.data)?.data).toBe(sys.driver.requests.get(0));
    sys.runUntilIdle();
    expect(sys.driver.outstanding).toBe(0);
    expect([...sys.driver.requests.values()].map((r) => r.result)).toEqual(['BLK_STS_OK', 'BLK_STS_OK', 'BLK_STS_OK']);
  });

  it('keeps a deferred run across save and load, and loads a state saved before there were any', () => {
    const sys = make({ driverQueueSize: 4, hostFeatures: qemuVirtioBlkHostFeatures({ indirectDesc: false }) });
    sys.submitBatch([0, 1, 2].map((s) => ({ op: 'read' as const, sector: s, nsectors: 1 })));
    let event = sys.step();
    while (event !== null && event.kind !== 'interrupt') event = sys.step();
    const saved = sys.driver.saveState();
    expect(saved.runQueued).toEqual([true]);
    sys.driver.blk_mq_run_work_fn(0);
    sys.driver.loadState(saved);
    expect(sys.driver.hasDeferredRun(0)).toBe(true);
    const older: Partial<typeof saved> = { ...saved };
    delete older.runQueued;
    sys.driver.loadState(older as typeof saved);
    expect(sys.driver.hasDeferredRun(0)).toBe(false);
  });

  it('refuses a saved state that refers to a request it does not hold', () => {
    const sys = make();
    const saved = sys.driver.saveState();
    saved.dispatch[0] = [42];
    expect(() => sys.driver.loadState(saved)).toThrow(/request 42/);
  });
});
