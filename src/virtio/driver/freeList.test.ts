import { describe, expect, it } from 'vitest';
import { VRING_DESC_F_NEXT } from '../constants';
import { detach_buf_split, freeListOf, vring_alloc_desc_extra } from './freeList';
import { makeRig, sgs } from './testRig';

describe('vring_alloc_desc_extra', () => {
  it('links every descriptor 0 -> 1 -> ... -> N-1, the last link 0 as in a zeroed array', () => {
    const extra = vring_alloc_desc_extra(8);
    expect([...extra.next]).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect([...extra.flags]).toEqual(new Array(8).fill(0));
    expect(extra.addr).toBeInstanceOf(Float64Array);
    expect(extra.len).toBeInstanceOf(Uint32Array);
  });

  it('handles a one-entry ring', () => {
    expect([...vring_alloc_desc_extra(1).next]).toEqual([0]);
  });
});

describe('free list of a new queue', () => {
  it('starts with every descriptor free, head 0', () => {
    const { vq } = makeRig({ size: 8 });
    expect(vq.state.free_head).toBe(0);
    expect(vq.state.num_free).toBe(8);
    expect(freeListOf(vq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(vq.desc_state.every((s) => s.data === null && s.indir_desc === null)).toBe(true);
  });
});

describe('detach_buf_split', () => {
  it('pushes a finished chain on the front of the free list', () => {
    const { vq, dev } = makeRig({ size: 8 });
    expect(vq.virtqueue_add_sgs(sgs(2), [], 'a').ok).toBe(true); // 0,1
    expect(vq.virtqueue_add_sgs(sgs(3), [], 'b').ok).toBe(true); // 2,3,4
    expect(freeListOf(vq)).toEqual([5, 6, 7]);
    dev.pop();
    const b = dev.pop()!;
    dev.push(b.head, 0);
    expect(vq.virtqueue_get_buf()).toEqual({ data: 'b', len: 0 });
    // The chain 2 -> 3 -> 4 now sits before 5.
    expect(freeListOf(vq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(vq.state.num_free).toBe(6);
    expect(vq.desc_state[2]!.data).toBeNull();
  });

  it('refuses to walk further than the ring is long, even on a corrupted private copy', () => {
    const { vq } = makeRig({ size: 4 });
    expect(vq.virtqueue_add_sgs(sgs(2), [], 'a').ok).toBe(true);
    // Make the chain a loop: 0 -> 1 -> 0 with NEXT everywhere.
    vq.desc_extra.flags[1] = VRING_DESC_F_NEXT;
    vq.desc_extra.next[1] = 0;
    expect(() => detach_buf_split(vq, 0)).toThrow(/longer than the ring \(4\)/);
  });
});
