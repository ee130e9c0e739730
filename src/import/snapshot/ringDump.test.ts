import { describe, expect, it } from 'vitest';
import type { ImportFile } from '../types';
import { parseSnapshotFiles } from './parseFiles';
import { pmemsaveRingCommand } from './ringDump';
import { sampleFiles } from './samples.testutil';
import { snapshotSummary } from './summary';
import type { RingSnapshot } from './types';

// The samples' rings: vring-desc 0x2986000 (4096 bytes), vring-avail 0x2987000 (518), vring-used 0x2987240 (2054).
const DESC = 0x2986000;
const AVAIL_OFF = 0x1000;
const USED_OFF = 0x1240;
const WHOLE = USED_OFF + 2054;

/**
 * What `pmemsave 0x2986000 6726 ring_0x2986000.bin` saves: the sample's three real dumps at their offsets. The 58
 * bytes between the avail ring's end and the used ring (Linux aligns it) were not captured: they are 0xee here, so
 * a slice that took them would show.
 */
function wholeRing(snap: 'snap00' | 'snap02', status: 'qmp.json' | 'hmp.txt' = 'qmp.json') {
  const [statusFile, desc, avail, used] = sampleFiles(snap, status) as [ImportFile, ImportFile, ImportFile, ImportFile];
  const bytes = new Uint8Array(WHOLE).fill(0xee);
  bytes.set(desc.bytes, 0);
  bytes.set(avail.bytes, AVAIL_OFF);
  bytes.set(used.bytes, USED_OFF);
  return { statusFile, parts: [desc, avail, used], bytes };
}

const load = (files: ImportFile[]): RingSnapshot => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(`${r.problem.file}: ${r.problem.message}`);
  return r.value;
};
const problemOf = (files: ImportFile[]) => {
  const r = parseSnapshotFiles(files);
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
};
/** What the ring says, without where its bytes came from. */
const ringOf = (s: RingSnapshot) => ({
  status: s.status,
  desc: s.desc,
  avail: s.avail,
  used: s.used,
  outstanding: s.outstanding,
  disagreements: s.disagreements,
});

describe('one pmemsave over the whole ring', () => {
  for (const snap of ['snap00', 'snap02'] as const)
    for (const status of ['qmp.json', 'hmp.txt'] as const)
      it(`${snap} (${status}): cut by the vring addresses, it reads as the three dumps do`, () => {
        const { statusFile, parts, bytes } = wholeRing(snap, status);
        const separate = load([statusFile, ...parts]);
        const whole = load([statusFile, { name: 'ring_0x2986000.bin', bytes }]);
        expect(ringOf(whole)).toEqual(ringOf(separate));
        expect(whole.areas.map((a) => [a.area, a.file, a.gpa, a.offset, a.bytes.length])).toEqual([
          ['desc', 'ring_0x2986000.bin', DESC, 0, 4096],
          ['avail', 'ring_0x2986000.bin', DESC + AVAIL_OFF, AVAIL_OFF, 518],
          ['used', 'ring_0x2986000.bin', DESC + USED_OFF, USED_OFF, 2054],
        ]);
        expect(whole.ringDumps).toEqual([
          { file: 'ring_0x2986000.bin', gpa: DESC, bytes: WHOLE, areas: { desc: 0, avail: AVAIL_OFF, used: USED_OFF } },
        ]);
        expect(whole.dumps).toEqual([]);
      });

  it('the summary says where each area was cut from', () => {
    const { statusFile, bytes } = wholeRing('snap02');
    const s = snapshotSummary(load([statusFile, { name: 'ring_0x2986000.bin', bytes }])) as Record<string, unknown>;
    expect(s['files']).toMatchObject({ desc: 'ring_0x2986000.bin', used: 'ring_0x2986000.bin' });
    expect(s['ringDumps']).toEqual([
      {
        file: 'ring_0x2986000.bin',
        gpa: '0x2986000',
        bytes: WHOLE,
        areas: { desc: '0x0', avail: '0x1000', used: '0x1240' },
      },
    ]);
    expect(s['ring']).toMatchObject({ avail: { idx: 968 }, used: { idx: 808 }, in_flight: 160 });
  });

  it('takes the base address the user gave when the name carries none', () => {
    const { statusFile, parts, bytes } = wholeRing('snap02');
    const s = load([statusFile, { name: 'ring.bin', bytes, gpa: DESC }]);
    expect(ringOf(s)).toEqual(ringOf(load([statusFile, ...parts])));
  });

  it('a dump of two areas and the third on its own', () => {
    const { statusFile, parts, bytes } = wholeRing('snap02');
    const s = load([statusFile, { name: 'front_0x2986000.bin', bytes: bytes.subarray(0, AVAIL_OFF + 518) }, parts[2]!]);
    expect(s.areas.map((a) => a.file)).toEqual(['front_0x2986000.bin', 'front_0x2986000.bin', 'snap02_live_used.bin']);
    expect(ringOf(s)).toEqual(ringOf(load([statusFile, ...parts])));
  });

  it('refuses a dump that ends inside an area: which area, both ranges, and the byte', () => {
    const { statusFile, bytes } = wholeRing('snap02');
    const p = problemOf([statusFile, { name: 'ring_0x2986000.bin', bytes: bytes.subarray(0, WHOLE - 70) }]);
    expect(p).toMatchObject({ file: 'ring_0x2986000.bin', byte: WHOLE - 70 });
    expect(p.message).toBe(
      'ring_0x2986000.bin holds guest memory 0x2986000..0x29879ff (6656 bytes from 0x2986000), which has only part ' +
        'of the used ring at 0x2987240..0x2987a45 (2054 bytes): the file ends 70 bytes before the area does (at byte ' +
        '6656 of the file); save the whole ring with `pmemsave 0x2986000 6726 ring_0x2986000.bin`, or each area on its own',
    );
  });

  it('refuses a dump that starts inside an area', () => {
    const { statusFile, bytes } = wholeRing('snap02');
    const p = problemOf([statusFile, { name: 'ring_0x2986010.bin', bytes: bytes.subarray(16) }]);
    expect(p).toMatchObject({ file: 'ring_0x2986010.bin', byte: 0 });
    expect(p.message).toMatch(
      /only part of the descriptor table at 0x2986000\.\.0x2986fff \(4096 bytes\): it starts 16 bytes into the area/,
    );
  });

  it('refuses an area that is in neither the dump nor a file of its own, saying where it is', () => {
    const { statusFile, bytes } = wholeRing('snap02');
    const p = problemOf([statusFile, { name: 'ring_0x2986000.bin', bytes: bytes.subarray(0, AVAIL_OFF + 518) }]);
    expect(p.file).toBe('ring_0x2986000.bin');
    expect(p.message).toBe(
      'the used ring at 0x2987240..0x2987a45 (vring-used, 2054 bytes) is not inside ring_0x2986000.bin, which holds ' +
        '0x2986000..0x2987205: add its own pmemsave dump, or save the whole ring with ' +
        '`pmemsave 0x2986000 6726 ring_0x2986000.bin`',
    );
  });

  it('an area given twice, in the whole dump and on its own, is refused as before', () => {
    const { statusFile, parts, bytes } = wholeRing('snap02');
    const p = problemOf([statusFile, { name: 'ring_0x2986000.bin', bytes }, parts[2]!]);
    expect(p.message).toMatch(/two files for the used ring/);
  });

  it('a whole-ring dump without an address says how to give it one', () => {
    const { statusFile, bytes } = wholeRing('snap02');
    const p = problemOf([statusFile, { name: 'ring.bin', bytes }]);
    expect(p.file).toBe('ring.bin');
    expect(p.message).toMatch(/ring\.bin is 6726 bytes, which fits no area of a ring of 256/);
    expect(p.message).toMatch(/name it by the guest-physical address of its first byte .*ring_0x2986000\.bin.*--base/);
  });

  it('a dump away from the ring is still a further dump (an indirect table, say)', () => {
    const { statusFile, parts } = wholeRing('snap02');
    const s = load([statusFile, ...parts, { name: 'ind_0x1000.bin', bytes: new Uint8Array(48) }]);
    expect(s.ringDumps).toEqual([]);
    expect(s.dumps.map((d) => d.gpa)).toEqual([0x1000]);
  });

  it('the pmemsave command spans the lowest address to the end of the highest area, in any order', () => {
    expect(
      pmemsaveRingCommand({
        used: { gpa: 0x1000, bytes: 2054 },
        desc: { gpa: 0x3000, bytes: 4096 },
        avail: { gpa: 0x2000, bytes: 518 },
      }),
    ).toBe('pmemsave 0x1000 12288 ring_0x1000.bin');
  });
});
