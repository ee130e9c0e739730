import { describe, expect, it } from 'vitest';
import { VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC } from '../constants';
import { withFeatures } from '../features';
import { freeListOf } from './freeList';
import { makeRig, sgs } from './testRig';

describe('16-bit index wraparound', () => {
  it.each([
    ['direct, no EVENT_IDX', 0n],
    ['indirect + EVENT_IDX', withFeatures(VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC)],
  ])('moves 20 buffers through a size-8 ring starting at 65530 (%s)', (_name, features) => {
    const { vq, dev, ring, notifies } = makeRig({ size: 8, startIdx: 65530, features });
    const seen: string[] = [];
    let next = 0;
    const slots: number[] = [];
    while (seen.length < 20) {
      // Fill as far as the ring allows, then let the device finish a few.
      while (next < 20) {
        const r = vq.virtqueue_add_sgs(sgs(1), sgs(2, 0xa000), `req${next}`);
        if (!r.ok) {
          expect(r.errno).toBe('ENOSPC');
          break;
        }
        slots.push((vq.state.avail_idx_shadow - 1) & 7);
        next++;
      }
      if (vq.virtqueue_kick_prepare()) vq.virtqueue_notify();
      for (let k = 0; k < 3; k++) {
        const c = dev.pop();
        if (c === null) break;
        dev.push(c.head, 1025);
      }
      for (let r = vq.virtqueue_get_buf(); r !== null; r = vq.virtqueue_get_buf()) {
        expect(r.len).toBe(1025);
        seen.push(r.data);
      }
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, k) => `req${k}`));
    // 65530 + 20 = 65550 = 14 (mod 65536)
    expect(vq.state.avail_idx_shadow).toBe(14);
    expect(vq.state.last_used_idx).toBe(14);
    expect(ring.availIdx()).toBe(14);
    expect(ring.usedIdx()).toBe(14);
    expect(ring.usedEvent()).toBe(14);
    // Slots run 65530 & 7 = 2, 3, ..., 7, 0, 1, ...
    expect(slots.slice(0, 8)).toEqual([2, 3, 4, 5, 6, 7, 0, 1]);
    expect(vq.state.num_free).toBe(8);
    expect(new Set(freeListOf(vq)).size).toBe(8);
    expect(vq.lastError).toBeNull();
    expect(notifies.length).toBeGreaterThan(0);
  });

  it('kick_prepare across the wrap with EVENT_IDX: the device waiting at 65535 is woken', () => {
    const { vq, dev, ring } = makeRig({ size: 8, startIdx: 65533, features: withFeatures(VIRTIO_RING_F_EVENT_IDX) });
    ring.setAvailEvent(65535);
    for (let k = 0; k < 2; k++) vq.virtqueue_add_outbuf(sgs(1), `a${k}`); // 65533, 65534
    expect(vq.virtqueue_kick_prepare()).toBe(false);
    for (let k = 0; k < 2; k++) vq.virtqueue_add_outbuf(sgs(1), `b${k}`); // 65535, 0
    expect(vq.virtqueue_kick_prepare()).toBe(true);
    expect(dev.pending()).toBe(4);
  });
});
