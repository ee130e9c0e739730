import { describe, expect, it } from 'vitest';
import {
  VIRTIO_CONFIG_S_NEEDS_RESET,
  VIRTIO_RING_F_EVENT_IDX,
  VRING_AVAIL_F_NO_INTERRUPT,
  VRING_USED_F_NO_NOTIFY,
} from '../../virtio/constants';
import { withFeatures } from '../../virtio/features';
import { decodeVirtioBlkConfig } from './config';
import { VIRTIO_ID_BLOCK, VirtIOBlock } from './device';
import { DiskImage } from './disk';
import { qemuVirtioBlkHostFeatures, VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES } from './features';
import { GuestMemory } from '../../virtio/guestMemory';
import {
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_BARRIER,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_GET_LIFETIME,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_SCSI_CMD,
  VIRTIO_BLK_T_SECURE_ERASE,
  VIRTIO_BLK_T_WRITE_ZEROES,
  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
  encodeDiscardWriteZeroes,
  encodeOuthdr,
} from './protocol';
import { DeviceRig } from './testing/deviceRig';

const pattern = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

describe('VirtIOBlock construction', () => {
  it('is a virtio-blk device with QEMU defaults and a config sized by its features', () => {
    const mem = GuestMemory.create(1 << 16, false);
    const blk = new VirtIOBlock({ mem, disk: new DiskImage({ capacitySectors: 100 }) });
    expect(blk.vdev.device_id).toBe(VIRTIO_ID_BLOCK);
    expect(blk.vdev.host_features).toBe(qemuVirtioBlkHostFeatures());
    expect(blk.vdev.config.length).toBe(57);
    const cfg = decodeVirtioBlkConfig(blk.vdev.config);
    expect(cfg.capacity).toBe(100n);
    expect(cfg.seg_max).toBe(254);
    expect(blk.vdev.vq[0]!.num_max).toBe(256);
    expect(blk.now).toBe(0);
  });

  it('offers RO for a read-only disk and MQ for several queues', () => {
    const mem = GuestMemory.create(1 << 16, false);
    const blk = new VirtIOBlock({ mem, disk: new DiskImage({ capacitySectors: 8, readOnly: true }), numQueues: 2 });
    expect(blk.vdev.host_features).toBe(qemuVirtioBlkHostFeatures({ readOnly: true, numQueues: 2 }));
    expect(decodeVirtioBlkConfig(blk.vdev.config).num_queues).toBe(2);
  });
});

describe('virtio_blk_handle_request', () => {
  it('reads: data lands in the in buffers at completion, used.len = data + status', () => {
    const rig = new DeviceRig();
    rig.disk.write(3, pattern(1024, 5));
    const { status, data } = rig.request(VIRTIO_BLK_T_IN, 3, { len: 1024, write: true });
    rig.kick();
    expect(rig.blk.records[0]).toMatchObject({ state: 'in-io', typeName: 'IN', sector: 3n, length: 1024 });
    expect(rig.takeUsed()).toEqual([]);
    expect(rig.blk.tick()).toBe(1);
    expect(rig.takeUsed()).toEqual([{ id: 0, len: 1025 }]);
    expect(rig.mem.read8(status)).toBe(VIRTIO_BLK_S_OK);
    expect(rig.mem.readBytes(data!, 1024)).toEqual(pattern(1024, 5));
    expect(rig.blk.records[0]).toMatchObject({ state: 'completed', status: 0, submitTick: 0, completeTick: 1 });
    expect(rig.interrupts).toEqual([0]);
    expect(rig.blk.counters).toMatchObject({ requests: 1, completed: 1, ok: 1, interruptsSent: 1 });
  });

  it('writes: used.len = 1, data on disk; OUT|BARRIER is a write too', () => {
    const rig = new DeviceRig({ latency: { kind: 'fixed', ticks: 0 } });
    rig.request(VIRTIO_BLK_T_OUT, 1, { len: 512, write: false, bytes: pattern(512, 1) });
    rig.request(VIRTIO_BLK_T_OUT | VIRTIO_BLK_T_BARRIER, 2, { len: 512, write: false, bytes: pattern(512, 2) }, 0, 3);
    rig.kick();
    expect(rig.blk.completeReady()).toBe(2);
    expect(rig.takeUsed()).toEqual([
      { id: 0, len: 1 },
      { id: 3, len: 1 },
    ]);
    const r = rig.disk.read(1, 2);
    expect(r.ok && r.value).toEqual(new Uint8Array([...pattern(512, 1), ...pattern(512, 2)]));
    expect(rig.blk.records[1]!.typeName).toBe('OUT|BARRIER');
  });

  it('answers out-of-range, misaligned and read-only accesses with IOERR, not a device error', () => {
    const rig = new DeviceRig({ capacitySectors: 8, readOnly: true, queueSize: 16 });
    const past = rig.request(VIRTIO_BLK_T_IN, 7, { len: 1024, write: true });
    const huge = rig.request(VIRTIO_BLK_T_IN, 1n << 62n, { len: 512, write: true }, 0, 3);
    const odd = rig.request(VIRTIO_BLK_T_IN, 0, { len: 100, write: true }, 0, 6);
    rig.kick();
    // Range problems complete at once; the write to the read-only disk fails in the backend.
    expect(rig.takeUsed().map((u) => u.id)).toEqual([0, 3, 6]);
    for (const s of [past, huge, odd]) expect(rig.mem.read8(s.status)).toBe(VIRTIO_BLK_S_IOERR);
    const ro = rig.request(VIRTIO_BLK_T_OUT, 0, { len: 512, write: false, bytes: pattern(512) });
    rig.kick();
    rig.blk.tick();
    expect(rig.mem.read8(ro.status)).toBe(VIRTIO_BLK_S_IOERR);
    expect(rig.blk.errors).toEqual([]);
    expect(rig.blk.counters.ioerr).toBe(4);
  });

  it('honours a 4096-byte logical block size in the range check', () => {
    const rig = new DeviceRig({ blkSize: 4096 });
    const misaligned = rig.request(VIRTIO_BLK_T_IN, 1, { len: 4096, write: true });
    rig.kick();
    expect(rig.mem.read8(misaligned.status)).toBe(VIRTIO_BLK_S_IOERR);
    const fine = rig.request(VIRTIO_BLK_T_IN, 8, { len: 4096, write: true }, 0, 3);
    rig.kick();
    rig.blk.tick();
    expect(rig.mem.read8(fine.status)).toBe(VIRTIO_BLK_S_OK);
  });

  it('flushes through the backend', () => {
    const rig = new DeviceRig();
    rig.disk.write(0, new Uint8Array(512));
    const f = rig.request(VIRTIO_BLK_T_FLUSH, 0, null);
    rig.kick();
    rig.blk.tick();
    expect(rig.mem.read8(f.status)).toBe(VIRTIO_BLK_S_OK);
    expect(rig.disk.dirtySectors).toBe(0);
    expect(rig.takeUsed()).toEqual([{ id: 0, len: 1 }]);
  });

  it('answers GET_ID at once with the serial, NUL-terminated only when shorter than 20 bytes', () => {
    const rig = new DeviceRig({ serial: 'short' });
    const a = rig.request(VIRTIO_BLK_T_GET_ID, 0, { len: 20, write: true });
    rig.kick();
    expect(rig.mem.read8(a.status)).toBe(VIRTIO_BLK_S_OK);
    expect(new TextDecoder().decode(rig.mem.readBytes(a.data!, 6))).toBe('short\0');
    expect(rig.takeUsed()).toEqual([{ id: 0, len: 21 }]);

    const long = new DeviceRig({ serial: 'a-serial-longer-than-twenty' });
    const b = long.request(VIRTIO_BLK_T_GET_ID, 0, { len: 24, write: true });
    long.mem.fill(b.data!, 24, 0x55);
    long.kick();
    const got = long.mem.readBytes(b.data!, 24);
    expect(new TextDecoder().decode(got.subarray(0, 20))).toBe('a-serial-longer-than');
    expect([...got.subarray(20)]).toEqual([0x55, 0x55, 0x55, 0x55]);
  });

  it('answers unknown and unimplemented types with UNSUPP', () => {
    const rig = new DeviceRig({ queueSize: 16 });
    const types = [VIRTIO_BLK_T_SCSI_CMD, VIRTIO_BLK_T_GET_LIFETIME, VIRTIO_BLK_T_SECURE_ERASE, 99];
    const reqs = types.map((t, i) => rig.request(t, 0, null, 0, i * 2));
    rig.kick();
    for (const r of reqs) expect(rig.mem.read8(r.status)).toBe(VIRTIO_BLK_S_UNSUPP);
    expect(rig.blk.counters.unsupp).toBe(4);
  });

  describe('DISCARD and WRITE_ZEROES', () => {
    const seg = (sector: number, n: number, flags = 0) => encodeDiscardWriteZeroes({ sector, num_sectors: n, flags });
    const dwz = (rig: DeviceRig, type: number, bytes: Uint8Array, first = 0) =>
      rig.request(type, 0, { len: bytes.length, write: false, bytes }, 0, first);

    it('zero the range when negotiated', () => {
      const rig = new DeviceRig({ latency: { kind: 'fixed', ticks: 0 } });
      rig.disk.write(0, pattern(8 * 512, 1));
      const d = dwz(rig, VIRTIO_BLK_T_DISCARD, seg(1, 2));
      const z = dwz(rig, VIRTIO_BLK_T_WRITE_ZEROES, seg(5, 1, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP), 3);
      rig.kick();
      rig.blk.completeReady();
      expect(rig.mem.read8(d.status)).toBe(VIRTIO_BLK_S_OK);
      expect(rig.mem.read8(z.status)).toBe(VIRTIO_BLK_S_OK);
      const r = rig.disk.read(0, 8);
      if (!r.ok) throw new Error();
      const zero = (s: number) => r.value.subarray(s * 512, s * 512 + 512).every((b) => b === 0);
      expect([0, 1, 2, 3, 4, 5, 6, 7].map(zero)).toEqual([false, true, true, false, false, true, false, false]);
      expect(rig.blk.records[0]).toMatchObject({ length: 1024, typeName: 'DISCARD' });
    });

    it('give IOERR for bad ranges and UNSUPP for bad flags or shapes', () => {
      const rig = new DeviceRig({ queueSize: 32, capacitySectors: 8 });
      const cases: [number, Uint8Array, number][] = [
        [VIRTIO_BLK_T_DISCARD, seg(7, 2), VIRTIO_BLK_S_IOERR],
        [VIRTIO_BLK_T_WRITE_ZEROES, seg(0, 0x7fffffff), VIRTIO_BLK_S_IOERR],
        [VIRTIO_BLK_T_DISCARD, seg(0, 1, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP), VIRTIO_BLK_S_UNSUPP],
        [VIRTIO_BLK_T_WRITE_ZEROES, seg(0, 1, 2), VIRTIO_BLK_S_UNSUPP],
        [VIRTIO_BLK_T_DISCARD, new Uint8Array([...seg(0, 1), ...seg(1, 1)]), VIRTIO_BLK_S_UNSUPP],
        // Without the OUT bit (type 10 is GET_LIFETIME's number, 12 masks to the discard case).
        [VIRTIO_BLK_T_WRITE_ZEROES & ~VIRTIO_BLK_T_OUT, seg(0, 1), VIRTIO_BLK_S_UNSUPP],
      ];
      const reqs = cases.map(([t, bytes], i) => dwz(rig, t, bytes, i * 3));
      rig.kick();
      cases.forEach(([, , want], i) => expect(rig.mem.read8(reqs[i]!.status)).toBe(want));
      expect(rig.blk.errors).toEqual([]);
    });

    it('are unsupported when not negotiated', () => {
      const rig = new DeviceRig({
        wantedFeatures: qemuVirtioBlkHostFeatures() & ~withFeatures(VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES),
      });
      const d = dwz(rig, VIRTIO_BLK_T_DISCARD, seg(0, 1));
      const z = dwz(rig, VIRTIO_BLK_T_WRITE_ZEROES, seg(0, 1), 3);
      rig.kick();
      expect(rig.mem.read8(d.status)).toBe(VIRTIO_BLK_S_UNSUPP);
      expect(rig.mem.read8(z.status)).toBe(VIRTIO_BLK_S_UNSUPP);
    });

    it('report a short range header as a device error', () => {
      const rig = new DeviceRig();
      dwz(rig, VIRTIO_BLK_T_WRITE_ZEROES, seg(0, 1).subarray(0, 12));
      rig.kick();
      expect(rig.blk.errors.map((e) => e.kind)).toEqual(['blk-discard-header-too-short']);
    });
  });
});

describe('protocol errors', () => {
  it('a short out header breaks the device: NEEDS_RESET, config interrupt, nothing pushed, later kicks ignored', () => {
    const rig = new DeviceRig();
    const hdr = rig.buffer(16, encodeOuthdr({ type: VIRTIO_BLK_T_IN, sector: 0 }));
    const st = rig.buffer(1);
    rig.publish([
      { addr: hdr, len: 8, write: false },
      { addr: st, len: 1, write: true },
    ]);
    rig.kick();
    expect(rig.blk.errors[0]).toMatchObject({
      kind: 'blk-outhdr-too-short',
      message: 'virtio-blk request outhdr too short',
      where: 'virtio_blk_handle_request',
    });
    expect(rig.blk.vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET).toBeTruthy();
    expect(rig.interrupts).toEqual(['config']);
    expect(rig.takeUsed()).toEqual([]);
    expect(rig.blk.records[0]).toMatchObject({ state: 'failed', typeName: '?' });
    expect(rig.blk.counters.failed).toBe(1);
    rig.request(VIRTIO_BLK_T_IN, 0, { len: 512, write: true }, 0, 2);
    rig.kick();
    expect(rig.blk.counters.requests).toBe(1);
    expect(rig.blk.counters.kicksReceived).toBe(2);
  });

  it('a header split over two descriptors is fine (QEMU gathers it)', () => {
    const rig = new DeviceRig();
    const hdr = rig.buffer(16, encodeOuthdr({ type: VIRTIO_BLK_T_FLUSH, sector: 0 }));
    const st = rig.buffer(1);
    rig.publish([
      { addr: hdr, len: 10, write: false },
      { addr: hdr + 10, len: 6, write: false },
      { addr: st, len: 1, write: true },
    ]);
    rig.kick();
    rig.blk.tick();
    expect(rig.mem.read8(st)).toBe(VIRTIO_BLK_S_OK);
  });

  it('a ring error from virtqueue_pop goes to virtio_error', () => {
    const rig = new DeviceRig();
    rig.rings[0]!.setAvailRing(0, 200);
    rig.rings[0]!.setAvailIdx(1);
    rig.kick();
    expect(rig.blk.errors.map((e) => e.kind)).toEqual(['head-out-of-range']);
    expect(rig.blk.vdev.broken).toBe(true);
  });

  it('drops completions of I/O in flight when the device broke meanwhile', () => {
    const rig = new DeviceRig();
    const ok = rig.request(VIRTIO_BLK_T_IN, 0, { len: 512, write: true });
    rig.kick();
    const hdr = rig.buffer(16);
    rig.publish([{ addr: hdr, len: 16, write: false }], 0, 3);
    rig.kick();
    expect(rig.blk.errors.map((e) => e.kind)).toEqual(['blk-missing-headers']);
    rig.blk.tick();
    expect(rig.takeUsed()).toEqual([]);
    expect(rig.mem.read8(ok.status)).toBe(VIRTIO_BLK_S_OK);
    expect(rig.blk.records[0]!.state).toBe('dropped');
    expect(rig.blk.counters.dropped).toBe(1);
  });

  it('reset drops in-flight I/O and clears the broken state', () => {
    const rig = new DeviceRig();
    rig.request(VIRTIO_BLK_T_IN, 0, { len: 512, write: true });
    rig.kick();
    expect(rig.blk.inFlight).toBe(1);
    rig.blk.virtio_blk_reset();
    expect(rig.blk.inFlight).toBe(0);
    expect(rig.blk.records[0]!.state).toBe('dropped');
    expect(rig.blk.vdev.status).toBe(0);
  });
});

describe('notifications', () => {
  it('kicks are ignored before the queue runs', () => {
    const mem = GuestMemory.create(1 << 16, false);
    const blk = new VirtIOBlock({ mem, disk: new DiskImage({ capacitySectors: 8 }) });
    blk.virtio_blk_handle_output(0);
    expect(blk.counters).toMatchObject({ kicksReceived: 1, requests: 0 });
  });

  it('without EVENT_IDX, NO_NOTIFY is set while handling and NO_INTERRUPT suppresses interrupts', () => {
    const rig = new DeviceRig({ hostFeatures: qemuVirtioBlkHostFeatures({ eventIdx: false }) });
    const ring = rig.rings[0]!;
    const flagsSeen: number[] = [];
    rig.blk.onNotifyDecision = () => flagsSeen.push(ring.usedFlags());
    ring.setAvailFlags(VRING_AVAIL_F_NO_INTERRUPT);
    rig.request(VIRTIO_BLK_T_GET_ID, 0, { len: 20, write: true });
    rig.kick();
    // Completed inline, while kicks were still disabled.
    expect(flagsSeen).toEqual([VRING_USED_F_NO_NOTIFY]);
    expect(ring.usedFlags()).toBe(0);
    expect(rig.interrupts).toEqual([]);
    expect(rig.blk.counters.interruptsSuppressed).toBe(1);
    expect(rig.blk.records[0]!.notified).toBe(false);
  });

  it('with EVENT_IDX, interrupts follow used_event and avail_event is published', () => {
    const rig = new DeviceRig({ latency: { kind: 'fixed', ticks: 0 } });
    expect(rig.blk.vdev.virtio_vdev_has_feature(VIRTIO_RING_F_EVENT_IDX)).toBe(true);
    const ring = rig.rings[0]!;
    ring.setUsedEvent(1); // interrupt once the second used entry is published
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0, 0);
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0, 2);
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0, 4);
    rig.kick();
    expect(ring.availEvent()).toBe(3);
    rig.blk.completeReady();
    // The first decision is always "send" (nothing signalled yet), then used_event decides.
    expect(rig.blk.records.map((r) => r.notified)).toEqual([true, true, false]);
  });

  it('starts at a non-zero index, avail_event included', () => {
    const rig = new DeviceRig({ startIdx: 65534, latency: { kind: 'fixed', ticks: 0 } });
    expect(rig.rings[0]!.availEvent()).toBe(65534);
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0, 0);
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0, 2);
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0, 4);
    rig.kick();
    rig.blk.completeReady();
    expect(rig.takeUsed().map((u) => u.id)).toEqual([0, 2, 4]);
    expect(rig.rings[0]!.usedIdx()).toBe(1);
  });

  it('notifies through virtio_notify_irqfd in an IOThread and virtio_notify in the main loop (QEMU 9.0–10.1)', () => {
    const calls = (iothread: boolean | undefined) => {
      const fns: string[] = [];
      const tracer = { enter: (fn: string) => fns.push(fn), leave: () => {}, barrier: () => {} };
      const rig = new DeviceRig({
        latency: { kind: 'fixed', ticks: 0 },
        tracer,
        ...(iothread === undefined ? {} : { iothread }),
      });
      rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0, 0);
      rig.kick();
      rig.blk.completeReady();
      expect(rig.interrupts).toEqual([0]);
      return { fn: rig.blk.notifyFn, traced: fns.filter((f) => f.startsWith('virtio_notify')) };
    };
    expect(calls(true)).toEqual({ fn: 'virtio_notify_irqfd', traced: ['virtio_notify_irqfd'] });
    expect(calls(false)).toEqual({ fn: 'virtio_notify', traced: ['virtio_notify'] });
    expect(calls(undefined).fn).toBe('virtio_notify');
  });

  it('multiqueue: each queue is handled and interrupted on its own', () => {
    const rig = new DeviceRig({ numQueues: 2, latency: { kind: 'fixed', ticks: 0 } });
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 1);
    rig.kick(1);
    rig.blk.completeReady();
    expect(rig.takeUsed(1)).toEqual([{ id: 0, len: 1 }]);
    expect(rig.takeUsed(0)).toEqual([]);
    expect(rig.interrupts).toEqual([1]);
    expect(rig.blk.records[0]!.queue).toBe(1);
  });
});

describe('records', () => {
  it('keeps at most maxRecords, dropping finished ones first', () => {
    const rig = new DeviceRig({ maxRecords: 2, queueSize: 16 });
    for (let i = 0; i < 4; i++) rig.request(VIRTIO_BLK_T_GET_ID, 0, { len: 20, write: true }, 0, i * 3);
    rig.kick();
    expect(rig.blk.records.map((r) => r.id)).toEqual([2, 3]);
  });
});

describe('virtual time for an IOThread scheduler', () => {
  it('passTime lets requests fall due; completeReady serves the chosen queues', () => {
    const rig = new DeviceRig({ numQueues: 2, latency: { kind: 'fixed', ticks: 3 } });
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 0);
    rig.request(VIRTIO_BLK_T_FLUSH, 0, null, 1);
    rig.kick(0);
    rig.kick(1);
    expect(rig.blk.nextDue()).toBe(3);
    expect(rig.blk.dueFor()).toBe(0);
    rig.blk.passTime(3);
    expect(rig.blk.dueFor()).toBe(2);
    expect(rig.blk.dueFor((q) => q === 1)).toBe(1);
    expect(rig.blk.completeReady((q) => q === 1)).toBe(1);
    expect(rig.takeUsed(1)).toHaveLength(1);
    expect(rig.takeUsed(0)).toHaveLength(0);
    expect(rig.blk.completeReady()).toBe(1);
    expect(rig.blk.nextDue()).toBeNull();
  });
});

describe('saveState / loadState', () => {
  it('round-trips in-flight I/O, records and queue state, relinking in-flight records', () => {
    const rig = new DeviceRig();
    rig.request(VIRTIO_BLK_T_IN, 0, { len: 512, write: true });
    rig.kick();
    const saved = JSON.parse(
      JSON.stringify(rig.blk.saveState(), (_k, v: unknown) =>
        typeof v === 'bigint' ? { $b: v.toString() } : v instanceof Uint8Array ? { $u: [...v] } : v,
      ),
      (_k, v: unknown) => {
        const o = v as { $b?: string; $u?: number[] } | null;
        if (o && typeof o === 'object' && typeof o.$b === 'string') return BigInt(o.$b);
        if (o && typeof o === 'object' && Array.isArray(o.$u)) return Uint8Array.from(o.$u);
        return v;
      },
    );
    rig.blk.tick();
    expect(rig.blk.records[0]!.state).toBe('completed');
    const usedAfter = rig.rings[0]!.usedIdx();
    rig.rings[0]!.setUsedIdx(0); // memory goes back too, as a checkpoint restore would do
    rig.blk.loadState(saved);
    expect(rig.blk.records[0]!.state).toBe('in-io');
    expect(rig.blk.inFlight).toBe(1);
    expect(rig.blk.now).toBe(0);
    rig.blk.tick();
    expect(rig.blk.records[0]!.state).toBe('completed');
    expect(rig.rings[0]!.usedIdx()).toBe(usedAfter);
  });

  it('re-creates queues that were torn down (reset) and drops ones that did not exist yet', () => {
    const rig = new DeviceRig();
    const saved = rig.blk.saveState();
    rig.blk.virtio_blk_reset();
    expect(rig.blk.vdev.queue(0)).toBeNull();
    rig.blk.loadState(saved);
    expect(rig.blk.vdev.queue(0)).not.toBeNull();
    expect(rig.blk.vdev.status).toBe(saved.vdev.status);
    rig.request(VIRTIO_BLK_T_GET_ID, 0, { len: 20, write: true });
    rig.kick();
    expect(rig.takeUsed()).toHaveLength(1);

    const fresh = new VirtIOBlock({ mem: rig.mem, disk: rig.disk, queueSize: 8 });
    const before = fresh.saveState();
    fresh.loadState(rig.blk.saveState());
    expect(fresh.vdev.queue(0)).not.toBeNull();
    fresh.loadState(before);
    expect(fresh.vdev.queue(0)).toBeNull();
  });
});
