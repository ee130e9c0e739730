import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_INDIRECT_DESC } from '../constants';
import { withFeatures } from '../features';
import { freeListOf } from './freeList';
import { makeRig, sgs } from './testRig';

describe('driver fault hooks (fault injection only)', () => {
  it('without hooks the driver publishes its free-running shadow index', () => {
    const { vq, ring } = makeRig({ size: 4, startIdx: 3 });
    expect(vq.faultHooks).toBeNull();
    vq.virtqueue_add_sgs(sgs(1), [], 'a');
    vq.virtqueue_add_sgs(sgs(1), [], 'b');
    expect(ring.availIdx()).toBe(5);
  });

  it('publishAvailIdx decides what avail.idx shows, while the shadow and the slot stay right', () => {
    const { vq, ring, dev } = makeRig({ size: 4 });
    const seen: [number, unknown][] = [];
    vq.faultHooks = {
      publishAvailIdx: (shadow, token) => {
        seen.push([shadow, token]);
        return shadow & 3;
      },
    };
    for (const t of ['a', 'b', 'c', 'd']) expect(vq.virtqueue_add_sgs(sgs(1), [], t).ok).toBe(true);
    expect(seen).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
    // The 4th add published 0: avail.idx went backwards, and a device that saw none of them sees an empty ring.
    expect(ring.availIdx()).toBe(0);
    expect(vq.state.avail_idx_shadow).toBe(4);
    expect(dev.pending()).toBe(0);
  });

  it('leakChain keeps a finished chain off the free list: num_free does not grow back', () => {
    const { vq, dev } = makeRig({ size: 8 });
    vq.faultHooks = { leakChain: (_head, token) => token === 'b' };
    vq.virtqueue_add_sgs(sgs(2), [], 'a'); // 0,1
    vq.virtqueue_add_sgs(sgs(3), [], 'b'); // 2,3,4
    expect(vq.state.num_free).toBe(3);
    dev.completeAll(0);
    expect(vq.virtqueue_get_buf()?.data).toBe('a');
    expect(vq.virtqueue_get_buf()?.data).toBe('b');
    // 'a' came back, 'b' did not: 3 + 2, and its descriptors 2, 3, 4 are on no list.
    expect(vq.state.num_free).toBe(5);
    expect(freeListOf(vq)).toEqual([0, 1, 5, 6, 7]);
    expect(vq.desc_state[2]!.data).toBeNull();
  });

  it('a leaked indirect chain still frees its table (the memory), but not its ring descriptor', () => {
    const { vq, dev, map } = makeRig({ size: 4, features: withFeatures(VIRTIO_RING_F_INDIRECT_DESC) });
    vq.faultHooks = { leakChain: () => true };
    vq.virtqueue_add_sgs(sgs(3), [], 'a');
    const tables = () => map.all().filter((r) => r.kind === 'indirect-table').length;
    expect(tables()).toBe(1);
    dev.completeAll(0);
    expect(vq.virtqueue_get_buf()?.data).toBe('a');
    expect(tables()).toBe(0);
    expect(vq.state.num_free).toBe(3);
  });
});
