import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC } from '../constants';
import { withFeatures } from '../features';
import { freeListOf } from './freeList';
import { makeRig, sgs } from './testRig';

describe('virtqueue_get_buf', () => {
  it('returns null while the device has used nothing', () => {
    const { vq } = makeRig();
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    expect(vq.more_used()).toBe(false);
    expect(vq.virtqueue_get_buf()).toBeNull();
    expect(vq.lastError).toBeNull();
  });

  it('returns tokens in the order the device used them, with used.len', () => {
    const { vq, dev } = makeRig();
    vq.virtqueue_add_sgs(sgs(1), sgs(1, 0xa000), 'a');
    vq.virtqueue_add_sgs(sgs(1), sgs(2, 0xb000), 'b');
    const a = dev.pop()!;
    const b = dev.pop()!;
    dev.push(b.head, 1025);
    dev.push(a.head, 513);
    expect(vq.more_used()).toBe(true);
    expect(vq.virtqueue_get_buf()).toEqual({ data: 'b', len: 1025 });
    expect(vq.virtqueue_get_buf()).toEqual({ data: 'a', len: 513 });
    expect(vq.virtqueue_get_buf()).toBeNull();
    expect(vq.state).toMatchObject({ last_used_idx: 2, num_free: 8 });
    expect(freeListOf(vq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads the element after virtio_rmb and stores used_event with virtio_store_mb', () => {
    const { vq, dev, ring, tracer } = makeRig({ features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    dev.completeAll(0);
    tracer.clear();
    vq.virtqueue_get_buf();
    expect(tracer.entered()).toEqual([
      'virtqueue_get_buf',
      'virtqueue_get_buf_ctx',
      'virtqueue_get_buf_ctx_split',
      'detach_buf_split',
    ]);
    expect(tracer.barriers()).toEqual(['virtio_rmb', 'virtio_store_mb']);
    expect(ring.usedEvent()).toBe(1);
  });

  it('stores used_event even without EVENT_IDX, as Linux does', () => {
    const { vq, dev, ring } = makeRig();
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    dev.completeAll(0);
    vq.virtqueue_get_buf();
    expect(ring.usedEvent()).toBe(1);
  });

  it('leaves used_event alone while callbacks are disabled', () => {
    const { vq, dev, ring, tracer } = makeRig({ features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.virtqueue_disable_cb();
    expect(ring.usedEvent()).toBe(0);
    ring.setUsedEvent(0x1234);
    dev.completeAll(0);
    tracer.clear();
    expect(vq.virtqueue_get_buf()?.data).toBe('a');
    expect(ring.usedEvent()).toBe(0x1234);
    expect(tracer.barriers()).toEqual(['virtio_rmb']);
  });
});

describe('virtqueue_get_buf: a device that breaks the used ring', () => {
  it('rejects an id beyond the ring: "id %u out of range", marks the queue broken', () => {
    const { vq, dev } = makeRig({ size: 8 });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    dev.pop();
    dev.push(8, 0);
    expect(vq.virtqueue_get_buf()).toBeNull();
    expect(vq.virtqueue_is_broken()).toBe(true);
    expect(vq.lastError).toMatchObject({
      kind: 'used-id-out-of-range',
      side: 'driver',
      message: 'id 8 out of range',
      where: 'virtqueue_get_buf_ctx_split',
      qemuChecks: true,
      detail: { id: 8, num: 8, last_used_idx: 0 },
    });
    // Nothing was consumed, and a broken queue hands out nothing more.
    expect(vq.state.last_used_idx).toBe(0);
    expect(vq.state.num_free).toBe(7);
    expect(vq.virtqueue_get_buf()).toBeNull();
  });

  it('reads the id as a full u32', () => {
    const { vq, dev } = makeRig({ size: 8 });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    dev.push(0xffffffff, 0);
    vq.virtqueue_get_buf();
    expect(vq.lastError?.message).toBe('id 4294967295 out of range');
  });

  it('rejects an id that is not the head of a chain in flight: "id %u is not a head!"', () => {
    const { vq, dev } = makeRig({ size: 8 });
    vq.virtqueue_add_outbuf(sgs(2), 'a'); // chain 0 -> 1
    dev.pop();
    dev.push(1, 0);
    expect(vq.virtqueue_get_buf()).toBeNull();
    expect(vq.lastError).toMatchObject({ kind: 'used-id-not-head', message: 'id 1 is not a head!', side: 'driver' });
    expect(vq.virtqueue_is_broken()).toBe(true);
  });

  it('leaves every trace frame it entered on each way out: a buffer, nothing used, a bad id, a broken queue', () => {
    const { vq, dev, tracer } = makeRig({ size: 8 });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.virtqueue_add_outbuf(sgs(1), 'b');
    dev.pop();
    dev.pop();
    dev.push(0, 0);
    expect(vq.virtqueue_get_buf()?.data).toBe('a');
    expect(vq.virtqueue_get_buf()).toBeNull();
    dev.push(7, 0);
    expect(vq.virtqueue_get_buf()).toBeNull();
    expect(vq.virtqueue_is_broken()).toBe(true);
    expect(vq.virtqueue_get_buf()).toBeNull();
    expect(tracer.entered()).toContain('detach_buf_split');
    expect(tracer.unbalanced()).toEqual([]);
  });

  it('rejects a head used twice, so a looping device cannot loop the driver', () => {
    const { vq, ring } = makeRig({ size: 4 });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.virtqueue_add_outbuf(sgs(1), 'b');
    // Every used slot says head 0, and used.idx claims far more entries than exist.
    for (let s = 0; s < 4; s++) ring.setUsedElem(s, { id: 0, len: 0 });
    ring.setUsedIdx(60000);
    const got: string[] = [];
    for (let r = vq.virtqueue_get_buf(); r !== null; r = vq.virtqueue_get_buf()) got.push(r.data);
    expect(got).toEqual(['a']);
    expect(vq.lastError?.message).toBe('id 0 is not a head!');
    expect(vq.state.num_free).toBe(3);
  });
});

describe('virtqueue_detach_unused_buf', () => {
  it('hands back unused tokens in descriptor order, rewinding avail.idx, until every descriptor is free', () => {
    const { vq, ring, map } = makeRig({ size: 8, features: withFeatures(VIRTIO_RING_F_INDIRECT_DESC) });
    vq.virtqueue_add_outbuf(sgs(1), 'a'); // head 0
    vq.virtqueue_add_sgs(sgs(1), sgs(1), 'b'); // head 1, indirect
    vq.virtqueue_add_outbuf(sgs(1), 'c'); // head 2
    const table = vq.desc_state[1]!.indir_desc!;
    expect(ring.availIdx()).toBe(3);
    expect(vq.virtqueue_detach_unused_buf()).toBe('a');
    expect(ring.availIdx()).toBe(2);
    expect(vq.virtqueue_detach_unused_buf()).toBe('b');
    expect(map.regionAt(table)).toBeUndefined();
    expect(vq.virtqueue_detach_unused_buf()).toBe('c');
    expect(vq.virtqueue_detach_unused_buf()).toBeNull();
    expect(vq.state).toMatchObject({ num_free: 8, avail_idx_shadow: 0 });
    expect(ring.availIdx()).toBe(0);
  });

  it('rewinds across the 16-bit wrap', () => {
    const { vq, ring } = makeRig({ size: 4, startIdx: 0 });
    vq.virtqueue_add_outbuf(sgs(1), 'a');
    vq.state.avail_idx_shadow = 0;
    expect(vq.virtqueue_detach_unused_buf()).toBe('a');
    expect(ring.availIdx()).toBe(0xffff);
  });
});
