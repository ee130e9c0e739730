import { describe, expect, it } from 'vitest';
import { VRING_DESC_F_NEXT } from '../../virtio/constants';
import { walkChain } from './decode';
import { snap02With } from './samples.testutil';
import { snapshotSummary } from './summary';
import type { RingSnapshot } from './types';

const N = VRING_DESC_F_NEXT;
const d = (flags: number, next: number) => ({ flags, next });

describe('walkChain', () => {
  it('follows NEXT to the end of a well-formed chain', () => {
    expect(walkChain([d(N, 2), d(0, 0), d(N, 1), d(0, 0)], 0, 4)).toEqual({ descs: [0, 2, 1], problem: null });
  });

  it("stops at a head past the table, with QEMU's virtqueue_get_head wording", () => {
    expect(walkChain([d(0, 0)], 9, 1)).toEqual({
      descs: [],
      problem: {
        where: 'virtqueue_get_head',
        message: 'Guest says index 9 is available',
        tip: { key: 'headPastTable', params: { head: 9, size: 1 }, qemuMessage: 'Guest says index 9 is available' },
      },
    });
  });

  it("stops at a next past the table, with QEMU's wording", () => {
    expect(walkChain([d(N, 1), d(N, 7)], 0, 2)).toEqual({
      descs: [0, 1],
      problem: {
        where: 'virtqueue_split_read_next_desc',
        message: 'Desc next is 7',
        tip: { key: 'nextPastTable', params: { desc: 1, next: 7, size: 2 }, qemuMessage: 'Desc next is 7' },
      },
    });
  });

  it('stops at the first link back into the chain instead of walking it size times', () => {
    const r = walkChain([d(N, 1), d(N, 2), d(N, 1), d(0, 0)], 0, 4);
    expect(r.descs).toEqual([0, 1, 2]);
    expect(r.problem).toEqual({
      where: 'virtqueue_split_pop',
      message: 'Looped descriptor: descriptor 2 links back to 1, already in this chain',
      tip: { key: 'loop', params: { desc: 2, next: 1 }, qemuMessage: 'Looped descriptor' },
    });
  });
});

const problemsOf = (s: RingSnapshot) => (snapshotSummary(s) as { problems: string[] }).problems;

describe('ring problems in a real snapshot', () => {
  it('the sample as captured has none', () => {
    const s = snap02With(() => {});
    expect(s.outstanding.every((c) => c.problem === undefined)).toBe(true);
    expect(problemsOf(s)).toEqual([]);
    expect(snapshotSummary(s)).toMatchObject({ ring: { in_flight: 160 } });
  });

  it('names a looped chain at its avail position and lists it once', () => {
    // Head 50 (avail position 808) made a NEXT descriptor pointing at itself.
    const s = snap02With((desc) => {
      desc.setUint16(50 * 16 + 12, N, true);
      desc.setUint16(50 * 16 + 14, 50, true);
    });
    expect(s.outstanding[0]!.descs).toEqual([50]);
    expect(problemsOf(s)).toEqual([
      'avail position 808 (slot 40, head 50): Looped descriptor: descriptor 50 links back to 50, already in this chain (QEMU: virtqueue_split_pop)',
    ]);
  });

  it('names a head offered again while it is still outstanding', () => {
    // Slot 41 (avail position 809) made to hold head 50 again, which position 808 already holds.
    const s = snap02With((_desc, avail) => avail.setUint16(4 + 2 * 41, 50, true));
    expect(problemsOf(s)).toEqual([
      'avail position 809 (slot 41, head 50): descriptor 50 is also in the chain at avail position 808: offered again while outstanding',
    ]);
    expect(s.outstanding[1]!.problem?.tip).toEqual({
      key: 'offeredTwice',
      params: { desc: 50, otherPos: 808 },
      qemuMessage: null,
    });
  });

  it('says when avail.idx is further ahead of used.idx than the ring has entries', () => {
    const s = snap02With((_desc, avail) => avail.setUint16(2, 808 + 300, true));
    expect(snapshotSummary(s)).toMatchObject({ ring: { in_flight: 300 } });
    expect(problemsOf(s)[0]).toBe(
      'avail.idx 1108 is 300 ahead of used.idx 808: more requests in flight than the ring has entries (256); only the first 256 are listed',
    );
    expect(s.outstanding).toHaveLength(256);
  });
});
