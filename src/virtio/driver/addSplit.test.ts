import { describe, expect, it } from 'vitest';
import { AllocationMap } from '../allocationMap';
import {
  VIRTIO_RING_F_INDIRECT_DESC,
  VRING_DESC_F_INDIRECT,
  VRING_DESC_F_NEXT,
  VRING_DESC_F_WRITE,
} from '../constants';
import { withFeatures } from '../features';
import type { MemoryWrite } from '../guestMemory';
import { freeListOf } from './freeList';
import { AVAIL_AT, DESC_AT, MEM_SIZE, descBytes, makeRig, sgs } from './testRig';

const NEXT = VRING_DESC_F_NEXT;
const WRITE = VRING_DESC_F_WRITE;
const INDIRECT_FEATURES = withFeatures(VIRTIO_RING_F_INDIRECT_DESC);

const descAt = (mem: { readBytes(a: number, l: number): Uint8Array }, i: number, table = DESC_AT) =>
  mem.readBytes(table + 16 * i, 16);

describe('virtqueue_add_split: direct chains', () => {
  it('writes an out-only chain with NEXT on all but the last, next links from the free list', () => {
    const { vq, mem, ring } = makeRig({ size: 8 });
    const out = [
      { addr: 0x8000, len: 16 },
      { addr: 0x9000, len: 4096 },
    ];
    const r = vq.virtqueue_add_outbuf(out, 'w');
    expect(r).toEqual({ ok: true, head: 0, data: 'w' });
    expect(descAt(mem, 0)).toEqual(descBytes(0x8000, 16, NEXT, 1));
    // The last descriptor's next still holds the free-list link (2); only NEXT is cleared.
    expect(descAt(mem, 1)).toEqual(descBytes(0x9000, 4096, 0, 2));
    expect(ring.availRing(0)).toBe(0);
    expect(ring.availIdx()).toBe(1);
    expect(vq.state).toMatchObject({ free_head: 2, num_free: 6, avail_idx_shadow: 1, num_added: 1 });
    expect(vq.desc_state[0]).toEqual({ data: 'w', indir_desc: null });
  });

  it('writes an in-only chain with WRITE on every descriptor', () => {
    const { vq, mem } = makeRig({ size: 8 });
    const r = vq.virtqueue_add_inbuf(
      [
        { addr: 0xa000, len: 512 },
        { addr: 0xa200, len: 1 },
      ],
      'r',
    );
    expect(r.ok).toBe(true);
    expect(descAt(mem, 0)).toEqual(descBytes(0xa000, 512, NEXT | WRITE, 1));
    expect(descAt(mem, 1)).toEqual(descBytes(0xa200, 1, WRITE, 2));
  });

  it('puts out buffers before in buffers in a mixed chain (a virtio-blk read)', () => {
    const { vq, mem } = makeRig({ size: 8 });
    const hdr = { addr: 0x8000, len: 16 };
    const data = { addr: 0x9000, len: 1024 };
    const status = { addr: 0x8010, len: 1 };
    expect(vq.virtqueue_add_sgs([hdr], [data, status], 'read').ok).toBe(true);
    expect(descAt(mem, 0)).toEqual(descBytes(0x8000, 16, NEXT, 1));
    expect(descAt(mem, 1)).toEqual(descBytes(0x9000, 1024, NEXT | WRITE, 2));
    expect(descAt(mem, 2)).toEqual(descBytes(0x8010, 1, WRITE, 3));
    expect([...vq.desc_extra.flags.slice(0, 3)]).toEqual([NEXT, NEXT | WRITE, WRITE]);
    expect([...vq.desc_extra.addr.slice(0, 3)]).toEqual([0x8000, 0x9000, 0x8010]);
    expect([...vq.desc_extra.len.slice(0, 3)]).toEqual([16, 1024, 1]);
  });

  it('takes descriptors in free-list order, so reused chains are not contiguous', () => {
    const { vq, dev, mem } = makeRig({ size: 8 });
    vq.virtqueue_add_outbuf(sgs(2), 'a'); // 0,1
    vq.virtqueue_add_outbuf(sgs(2), 'b'); // 2,3
    dev.pop();
    dev.push(0, 0);
    expect(vq.virtqueue_get_buf()?.data).toBe('a');
    expect(freeListOf(vq)).toEqual([0, 1, 4, 5, 6, 7]);
    expect(vq.virtqueue_add_outbuf(sgs(3, 0xc000), 'c')).toMatchObject({ ok: true, head: 0 });
    expect(descAt(mem, 1)).toEqual(descBytes(0xc100, 512, NEXT, 4));
    expect(descAt(mem, 4)).toEqual(descBytes(0xc200, 512, 0, 5));
    expect(vq.state.free_head).toBe(5);
  });

  it('uses one slot of the avail ring per chain, at avail_idx_shadow & (N-1)', () => {
    const { vq, ring } = makeRig({ size: 4 });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.virtqueue_add_outbuf(sgs(2), 'b');
    vq.virtqueue_add_outbuf(sgs(1), 'c');
    expect([ring.availRing(0), ring.availRing(1), ring.availRing(2)]).toEqual([0, 1, 3]);
    expect(ring.availIdx()).toBe(3);
    expect(vq.state.num_added).toBe(3);
  });

  it('stores in Linux order: each descriptor flags, addr, len, next; then the last flags; ring entry; avail.idx', () => {
    const { vq, mem } = makeRig({ size: 8 });
    const writes: MemoryWrite[] = [];
    mem.observer = (w) => writes.push(w);
    vq.virtqueue_add_sgs([{ addr: 0x8000, len: 16 }], [{ addr: 0x8010, len: 1 }], 't');
    const at = writes.map((w) => [w.addr - DESC_AT, w.new.length]);
    expect(at.slice(0, 9)).toEqual([
      [12, 2],
      [0, 8],
      [8, 4],
      [14, 2],
      [28, 2],
      [16, 8],
      [24, 4],
      [30, 2],
      [28, 2], // desc 1 flags again, NEXT cleared
    ]);
    expect(writes[9]!.addr).toBe(AVAIL_AT + 4);
    expect(writes[10]!.addr).toBe(AVAIL_AT + 2);
    expect(writes).toHaveLength(11);
  });

  it('traces the call path and puts virtio_wmb between the ring entry and avail.idx', () => {
    const { vq, tracer, mem } = makeRig({ size: 8 });
    let availIdxAtBarrier = -1;
    tracer.onBarrier = (kind) => {
      if (kind === 'virtio_wmb') availIdxAtBarrier = mem.read16(AVAIL_AT + 2);
    };
    vq.virtqueue_add_sgs(sgs(1), sgs(1), 't');
    expect(tracer.entered()).toEqual([
      'virtqueue_add_sgs',
      'virtqueue_add',
      'virtqueue_add_split',
      'virtqueue_add_desc_split',
      'virtqueue_add_desc_split',
    ]);
    expect(tracer.barriers()).toEqual(['virtio_wmb']);
    expect(availIdxAtBarrier).toBe(0);
  });
});

describe('virtqueue_add_split: indirect', () => {
  it('puts a multi-buffer request in one ring slot pointing at a 16*total_sg table', () => {
    const { vq, mem, map } = makeRig({ size: 8, features: INDIRECT_FEATURES, tokenOwner: () => 7 });
    const r = vq.virtqueue_add_sgs(
      [{ addr: 0x8000, len: 16 }],
      [
        { addr: 0x9000, len: 512 },
        { addr: 0x8010, len: 1 },
      ],
      'req',
    );
    expect(r).toMatchObject({ ok: true, head: 0 });
    const table = vq.desc_state[0]!.indir_desc!;
    expect(table).not.toBeNull();
    expect(map.regionAt(table)).toMatchObject({ kind: 'indirect-table', size: 48, queue: 0, owner: 7 });
    expect(table % 16).toBe(0);
    // The table's entries link i -> i+1, the last keeps next = total_sg with NEXT cleared.
    expect(descAt(mem, 0, table)).toEqual(descBytes(0x8000, 16, NEXT, 1));
    expect(descAt(mem, 1, table)).toEqual(descBytes(0x9000, 512, NEXT | WRITE, 2));
    expect(descAt(mem, 2, table)).toEqual(descBytes(0x8010, 1, WRITE, 3));
    // The ring slot: INDIRECT only, len 48, next = the free-list link.
    expect(descAt(mem, 0)).toEqual(descBytes(table, 48, VRING_DESC_F_INDIRECT, 1));
    expect(vq.state).toMatchObject({ num_free: 7, free_head: 1 });
    expect(vq.desc_extra.flags[0]).toBe(VRING_DESC_F_INDIRECT);
    expect(vq.desc_extra.len[0]).toBe(48);
    expect(vq.desc_extra.addr[0]).toBe(table);
  });

  it('frees the table when the buffer comes back', () => {
    const { vq, dev, map } = makeRig({ size: 8, features: INDIRECT_FEATURES });
    vq.virtqueue_add_sgs(sgs(1), sgs(2), 'req');
    const table = vq.desc_state[0]!.indir_desc!;
    const chain = dev.pop()!;
    expect(chain.descs).toHaveLength(3);
    expect(chain.headDesc.flags).toBe(VRING_DESC_F_INDIRECT);
    dev.push(chain.head, 513);
    expect(vq.virtqueue_get_buf()).toEqual({ data: 'req', len: 513 });
    expect(map.regionAt(table)).toBeUndefined();
    expect(vq.desc_state[0]).toEqual({ data: null, indir_desc: null });
    expect(vq.state.num_free).toBe(8);
  });

  it('keeps a single buffer direct', () => {
    const { vq } = makeRig({ size: 8, features: INDIRECT_FEATURES });
    vq.virtqueue_add_outbuf(sgs(1), 'one');
    expect(vq.desc_state[0]!.indir_desc).toBeNull();
  });

  it('stays direct without an allocator, or without the feature', () => {
    const a = makeRig({ size: 8, features: INDIRECT_FEATURES, withAllocator: false });
    a.vq.virtqueue_add_outbuf(sgs(3), 'x');
    expect(a.vq.state.num_free).toBe(5);
    const b = makeRig({ size: 8 });
    b.vq.virtqueue_add_outbuf(sgs(3), 'x');
    expect(b.vq.state.num_free).toBe(5);
    expect(b.map.all().some((r) => r.kind === 'indirect-table')).toBe(false);
  });

  it('falls back to a direct chain when the table cannot be allocated, as on kmalloc failure', () => {
    // A map that is already full.
    const full = new AllocationMap(MEM_SIZE);
    full.reserve(full.heapStart, MEM_SIZE - full.heapStart, 'other', 'everything');
    const { vq, mem } = makeRig({ size: 8, features: INDIRECT_FEATURES, allocator: full });
    expect(vq.virtqueue_add_outbuf(sgs(2), 'x').ok).toBe(true);
    expect(vq.desc_state[0]!.indir_desc).toBeNull();
    expect(descAt(mem, 0)).toEqual(descBytes(0x8000, 512, NEXT, 1));
  });

  it('falls back when the allocator hands out an address outside guest memory', () => {
    const big = new AllocationMap(MEM_SIZE * 2);
    big.reserve(big.heapStart, MEM_SIZE - big.heapStart, 'other', 'below the end');
    const { vq } = makeRig({ size: 8, features: INDIRECT_FEATURES, allocator: big });
    expect(vq.virtqueue_add_outbuf(sgs(2), 'x').ok).toBe(true);
    expect(vq.desc_state[0]!.indir_desc).toBeNull();
    expect(big.all().filter((r) => r.kind === 'indirect-table')).toHaveLength(0);
  });

  it('lets other errors of the allocator through', () => {
    const broken = new AllocationMap(MEM_SIZE);
    broken.allocate = () => {
      throw new TypeError('boom');
    };
    const { vq } = makeRig({ size: 8, features: INDIRECT_FEATURES, allocator: broken });
    expect(() => vq.virtqueue_add_outbuf(sgs(2), 'x')).toThrow(TypeError);
  });

  it('does not go indirect with no free descriptor, so the add fails with ENOSPC', () => {
    const { vq, map } = makeRig({ size: 2, features: INDIRECT_FEATURES });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.virtqueue_add_outbuf(sgs(1), 'b');
    const before = map.all().length;
    expect(vq.virtqueue_add_outbuf(sgs(2), 'c')).toMatchObject({ ok: false, errno: 'ENOSPC' });
    expect(map.all()).toHaveLength(before);
  });

  it('fits a request longer than the ring through one slot', () => {
    const { vq, dev } = makeRig({ size: 2, features: INDIRECT_FEATURES });
    expect(vq.virtqueue_add_sgs(sgs(3), sgs(2, 0xa000), 'big').ok).toBe(true);
    expect(dev.pop()!.descs).toHaveLength(5);
  });
});

describe('virtqueue_add_split: full ring and refusals', () => {
  it('returns ENOSPC when num_free is short, kicking first when the request has out buffers', () => {
    const { vq, notifies } = makeRig({ size: 4 });
    expect(vq.virtqueue_add_sgs(sgs(1), sgs(2), 'a').ok).toBe(true);
    const r = vq.virtqueue_add_sgs(sgs(1), sgs(1), 'b');
    expect(r).toEqual({ ok: false, errno: 'ENOSPC', message: "Can't add buf len 2 - avail = 1" });
    expect(notifies).toEqual([0]);
    expect(vq.virtqueue_add_inbuf(sgs(2), 'c')).toMatchObject({ ok: false, errno: 'ENOSPC' });
    expect(notifies).toEqual([0]);
    expect(vq.state).toMatchObject({ num_free: 1, avail_idx_shadow: 1, num_added: 1 });
    expect(vq.virtqueue_is_broken()).toBe(false);
    expect(vq.lastError).toBeNull();
  });

  it('ignores the result of that forced notify, as Linux calls vq->notify directly', () => {
    const { vq, notifies } = makeRig({ size: 1, notifyResult: false });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    expect(vq.virtqueue_add_outbuf(sgs(1), 'b')).toMatchObject({ errno: 'ENOSPC' });
    expect(notifies).toEqual([0]);
    expect(vq.virtqueue_is_broken()).toBe(false);
  });

  it('recovers after get_buf returns descriptors', () => {
    const { vq, dev } = makeRig({ size: 4 });
    for (const t of ['a', 'b', 'c', 'd']) expect(vq.virtqueue_add_outbuf(sgs(1), t).ok).toBe(true);
    expect(vq.virtqueue_add_outbuf(sgs(1), 'e').ok).toBe(false);
    dev.completeAll(0);
    expect(vq.virtqueue_get_buf()?.data).toBe('a');
    expect(vq.virtqueue_add_outbuf(sgs(1), 'e')).toMatchObject({ ok: true, head: 0 });
  });

  it('refuses empty requests, zero-length and malformed buffers with EINVAL and changes nothing', () => {
    const { vq, mem } = makeRig({ size: 4 });
    const snapshot = mem.readBytes(0, MEM_SIZE);
    expect(vq.virtqueue_add_sgs([], [], 'x')).toMatchObject({
      ok: false,
      errno: 'EINVAL',
      message: expect.stringMatching(/total_sg == 0/),
    });
    expect(vq.virtqueue_add_sgs([{ addr: 0x8000, len: 0 }], [], 'x')).toMatchObject({
      errno: 'EINVAL',
      message: 'virtqueue_add: out[0] is zero-length (a device rejects zero-sized buffers)',
    });
    expect(vq.virtqueue_add_sgs(sgs(1), [{ addr: 0x8000, len: 2 ** 32 }], 'x')).toMatchObject({
      errno: 'EINVAL',
      message: expect.stringMatching(/in\[0\] has length 4294967296/),
    });
    expect(vq.virtqueue_add_sgs([{ addr: -1, len: 1 }], [], 'x')).toMatchObject({ errno: 'EINVAL' });
    expect(vq.virtqueue_add_sgs([{ addr: 1.5, len: 1 }], [], 'x')).toMatchObject({ errno: 'EINVAL' });
    expect(vq.virtqueue_add_sgs(sgs(1), [], null as unknown as string)).toMatchObject({ errno: 'EINVAL' });
    expect(mem.readBytes(0, MEM_SIZE)).toEqual(snapshot);
    expect(vq.state.num_free).toBe(4);
  });

  it('returns EIO on a broken queue', () => {
    const { vq } = makeRig({ size: 4 });
    vq.state.broken = true;
    expect(vq.virtqueue_add_outbuf(sgs(1), 'x')).toMatchObject({ ok: false, errno: 'EIO' });
  });

  it('kicks by itself when num_added reaches 65535', () => {
    const { vq, notifies } = makeRig({ size: 4 });
    vq.state.num_added = 65533;
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    expect(notifies).toEqual([]);
    expect(vq.state.num_added).toBe(65534);
    vq.virtqueue_add_outbuf(sgs(1), 'b');
    expect(notifies).toEqual([0]);
    expect(vq.state.num_added).toBe(0);
  });
});
