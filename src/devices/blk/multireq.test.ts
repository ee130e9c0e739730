import { describe, expect, it } from 'vitest';
import type { BarrierKind, Tracer } from '../../virtio/trace';
import { VIRTIO_BLK_MAX_MERGE_REQS, VirtIOBlock } from './device';
import { VIRTIO_BLK_S_OK, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, encodeOuthdr } from './protocol';
import { DeviceRig } from './testing/deviceRig';

/** Records the calls and barriers in order, and each hand-over to the backend with the calls open at the time. */
class Log implements Tracer {
  readonly lines: string[] = [];
  readonly stack: string[] = [];
  enter(fn: string): void {
    this.stack.push(fn);
    this.lines.push(`> ${fn}`);
  }
  leave(fn: string): void {
    const i = this.stack.lastIndexOf(fn);
    if (i >= 0) this.stack.length = i;
    this.lines.push(`< ${fn}`);
  }
  barrier(kind: BarrierKind): void {
    this.lines.push(`| ${kind}`);
  }
  watch(blk: VirtIOBlock): { sector: number | null; type: string; inside: string }[] {
    const out: { sector: number | null; type: string; inside: string }[] = [];
    blk.onIoSubmitted = (r) => {
      this.lines.push(`io ${r.typeName} ${r.sector}`);
      out.push({ sector: r.sector === null ? null : Number(r.sector), type: r.typeName, inside: this.stack.at(-1)! });
    };
    return out;
  }
}

const rigWith = (queueSize = 16) => {
  const log = new Log();
  const rig = new DeviceRig({ queueSize, capacitySectors: 1024, tracer: log, latency: { kind: 'fixed', ticks: 1 } });
  return { rig, log, submitted: log.watch(rig.blk) };
};

const read = (rig: DeviceRig, sector: number, first: number) =>
  rig.request(VIRTIO_BLK_T_IN, sector, { len: 512, write: true }, 0, first);
const write = (rig: DeviceRig, sector: number, first: number) =>
  rig.request(VIRTIO_BLK_T_OUT, sector, { len: 512, write: false, bytes: new Uint8Array(512).fill(sector) }, 0, first);

describe("virtio_blk_handle_request batches reads and writes in the handler's MultiReqBuffer", () => {
  it('hands them to the backend after the loop, notifications back on, sorted by sector, in one call', () => {
    const { rig, log, submitted } = rigWith();
    read(rig, 16, 0);
    read(rig, 0, 3);
    read(rig, 8, 6);
    rig.kick();
    expect(submitted).toEqual([
      { sector: 0, type: 'IN', inside: 'virtio_blk_submit_multireq' },
      { sector: 8, type: 'IN', inside: 'virtio_blk_submit_multireq' },
      { sector: 16, type: 'IN', inside: 'virtio_blk_submit_multireq' },
    ]);
    const lastEnable = log.lines.lastIndexOf('> virtio_queue_set_notification');
    const submit = log.lines.indexOf('> virtio_blk_submit_multireq');
    expect(log.lines.filter((l) => l === '> virtio_blk_submit_multireq')).toHaveLength(1);
    expect(submit).toBeGreaterThan(lastEnable);
    // ... and after its smp_mb: the I/O starts once kicks are back on.
    expect(log.lines.slice(lastEnable, submit)).toContain('| smp_mb');
    expect(log.lines.slice(submit).find((l) => l.startsWith('io '))).toBe('io IN 0');
    rig.blk.tick();
    expect(rig.takeUsed().map((u) => u.id)).toEqual([3, 6, 0]);
  });

  it('a change of direction submits the batch so far inside virtio_blk_handle_request', () => {
    const { rig, submitted } = rigWith();
    read(rig, 0, 0);
    write(rig, 8, 3);
    read(rig, 16, 6);
    rig.kick();
    expect(submitted.map((s) => [s.type, s.sector])).toEqual([
      ['IN', 0],
      ['OUT', 8],
      ['IN', 16],
    ]);
    // The first two went while the next request was being handled; the last after the loop.
    expect(submitted.map((s) => s.inside)).toEqual(Array(3).fill('virtio_blk_submit_multireq'));
    expect(rig.blk.records.map((r) => r.state)).toEqual(['in-io', 'in-io', 'in-io']);
  });

  it(`holds at most ${VIRTIO_BLK_MAX_MERGE_REQS} requests: the next one submits the full batch first`, () => {
    const { rig, log, submitted } = rigWith(128);
    for (let i = 0; i <= VIRTIO_BLK_MAX_MERGE_REQS; i++) read(rig, i * 8, i * 3);
    rig.kick();
    expect(submitted).toHaveLength(VIRTIO_BLK_MAX_MERGE_REQS + 1);
    expect(log.lines.filter((l) => l === '> virtio_blk_submit_multireq')).toHaveLength(2);
    // The first batch went from inside the 33rd request's virtio_blk_handle_request.
    const first = log.lines.indexOf('> virtio_blk_submit_multireq');
    const handling = log.lines.slice(0, first).lastIndexOf('> virtio_blk_handle_request');
    expect(log.lines.slice(handling, first)).not.toContain('< virtio_blk_handle_request');
  });

  it('a flush sends pending writes to the backend before itself', () => {
    const { rig, submitted } = rigWith();
    write(rig, 0, 0);
    rig.publish(
      [
        { addr: rig.buffer(16, encodeOuthdr({ type: VIRTIO_BLK_T_FLUSH, sector: 0 })), len: 16, write: false },
        { addr: rig.buffer(1), len: 1, write: true },
      ],
      0,
      3,
    );
    rig.kick();
    expect(submitted.map((s) => [s.type, s.inside])).toEqual([
      ['OUT', 'virtio_blk_submit_multireq'],
      ['FLUSH', 'virtio_blk_handle_request'],
    ]);
  });

  it('stepped a part at a time, the batch waits in the handler (and in a checkpoint) until its last part', () => {
    const { rig, submitted } = rigWith();
    const a = read(rig, 8, 0);
    const b = read(rig, 0, 3);
    rig.blk.startHandler(0);
    rig.blk.continueHandler(0);
    expect(rig.blk.inHandler(0)).toBe(true);
    expect(submitted).toEqual([]);
    expect(rig.blk.records.map((r) => r.state)).toEqual(['popped', 'popped']);
    // A checkpoint taken now holds the batch; the restored device submits it at the end of the handler.
    const saved = rig.blk.saveState();
    const other = new DeviceRig({ queueSize: 16, capacitySectors: 1024, latency: { kind: 'fixed', ticks: 1 } });
    other.mem.writeBytes(0, rig.mem.readBytes(0, rig.mem.size));
    other.blk.loadState(saved);
    const after = new Log().watch(other.blk);
    while (other.blk.inHandler(0)) other.blk.continueHandler(0);
    expect(after.map((s) => s.sector)).toEqual([0, 8]);
    expect(other.blk.inFlight).toBe(2);
    other.blk.tick();
    expect(other.mem.read8(a.status)).toBe(VIRTIO_BLK_S_OK);
    expect(other.mem.read8(b.status)).toBe(VIRTIO_BLK_S_OK);
    expect(other.blk.records.map((r) => r.state)).toEqual(['completed', 'completed']);
    // The original never got that far: a reset drops what its batch still holds.
    rig.blk.virtio_blk_reset();
    expect(rig.blk.records.map((r) => r.state)).toEqual(['dropped', 'dropped']);
  });
});
