import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availRingBytes, descTableBytes, usedRingBytes } from '../../virtio/layout';
import { u16Sub } from '../../virtio/types';
import { parseSnapshotFiles } from './parseFiles';

const le16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);

describe('any ring bytes decode without throwing, exactly as they lie', () => {
  it('holds for random queue sizes, indices and area contents', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }).map((k) => 1 << k),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ minLength: 2048, maxLength: 2048 }),
        (num, lastAvail, usedIdx, seed, noise) => {
          const area = (len: number, off: number) => noise.slice(off % 1024, (off % 1024) + len);
          const desc = area(descTableBytes(num), seed);
          const avail = area(availRingBytes(num), seed >>> 8);
          const used = area(usedRingBytes(num), seed >>> 16);
          const status = {
            return: {
              name: 'virtio-blk',
              'queue-index': 0,
              inuse: u16Sub(lastAvail, usedIdx),
              'vring-num': num,
              'vring-num-default': num,
              'vring-align': 4096,
              'vring-desc': 0x100000000,
              'vring-avail': 0x7000,
              'vring-used': 0x2000000000,
              'last-avail-idx': lastAvail,
              'shadow-avail-idx': lastAvail,
              'used-idx': usedIdx,
              'signalled-used': usedIdx,
              'signalled-used-valid': false,
            },
          };
          const r = parseSnapshotFiles([
            { name: 's.json', bytes: new TextEncoder().encode(JSON.stringify(status)) },
            { name: 'desc.bin', bytes: desc },
            { name: 'avail.bin', bytes: avail },
            { name: 'used.bin', bytes: used },
          ]);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const s = r.value;
          expect(s.avail.idx).toBe(le16(avail, 2));
          expect(s.used.idx).toBe(le16(used, 2));
          expect(s.avail.used_event).toBe(le16(avail, 4 + 2 * num));
          expect(s.used.avail_event).toBe(le16(used, 4 + 8 * num));
          expect(s.avail.ring).toEqual(Array.from({ length: num }, (_, k) => le16(avail, 4 + 2 * k)));
          expect(s.outstanding.length).toBe(Math.min(u16Sub(s.avail.idx, s.used.idx), num));
          for (const c of s.outstanding) {
            expect(c.head).toBe(s.avail.ring[c.slot]);
            expect(c.descs.length).toBeLessThanOrEqual(num);
            // A table is read only where the captured bytes hold all of it, never guessed.
            if (c.indirect)
              expect(c.indirect.table?.length ?? null).toBe(c.indirect.captured ? c.indirect.entries : null);
          }
          const inuseOk = !s.disagreements.some((d) => d.kind === 'inuse');
          expect(inuseOk).toBe(u16Sub(lastAvail, usedIdx) === u16Sub(lastAvail, s.used.idx));
        },
      ),
      { numRuns: 150 },
    );
  });
});
