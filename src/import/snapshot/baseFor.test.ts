import { describe, expect, it } from 'vitest';
import type { ImportFile } from '../types';
import { parseSnapshotFiles } from './parseFiles';
import { sampleFiles } from './samples.testutil';
import { SAMPLE_RING_GPA, wholeRingOf } from './wholeRing.testutil';

const problemOf = (files: ImportFile[]) => {
  const r = parseSnapshotFiles(files);
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
};

describe('a problem an address would get past names the dump (ImportProblem.baseFor)', () => {
  const { status, bytes } = wholeRingOf('snap02');

  it('a whole-ring dump whose name has no address', () => {
    const p = problemOf([status, { name: 'whole.bin', bytes }]);
    expect(p).toMatchObject({ file: 'whole.bin', baseFor: 'whole.bin' });
  });

  it('given its address (ImportFile.gpa), it reads as the three dumps do', () => {
    const r = parseSnapshotFiles([status, { name: 'whole.bin', bytes, gpa: SAMPLE_RING_GPA }]);
    if (!r.ok) throw new Error(r.problem.message);
    const separate = parseSnapshotFiles(sampleFiles('snap02'));
    if (!separate.ok) throw new Error(separate.problem.message);
    expect(r.value.avail).toEqual(separate.value.avail);
    expect(r.value.outstanding).toEqual(separate.value.outstanding);
    expect(r.value.ringDumps).toEqual([
      { file: 'whole.bin', gpa: SAMPLE_RING_GPA, bytes: bytes.length, areas: { desc: 0, avail: 0x1000, used: 0x1240 } },
    ]);
  });

  it('a wrong address given: still named, so another can be tried', () => {
    // 0x10 too far: the dump starts inside the descriptor table.
    const inside = problemOf([status, { name: 'whole.bin', bytes, gpa: SAMPLE_RING_GPA + 0x10 }]);
    expect(inside).toMatchObject({ file: 'whole.bin', baseFor: 'whole.bin' });
    expect(inside.message).toMatch(/has only part of the descriptor table/);
    // Far away: a further dump (an indirect table, say), and the areas are missing.
    const away = problemOf([status, { name: 'whole.bin', bytes, gpa: 0x1000 }]);
    expect(away).toMatchObject({ baseFor: 'whole.bin' });
    expect(away.message).toMatch(/the descriptor table .*is missing/);
  });

  it('not where an address would not help: a dump too small for an area, or a wrongly sized named area', () => {
    expect(problemOf([status, { name: 'small.bin', bytes: bytes.subarray(0, 100) }]).baseFor).toBeUndefined();
    const [, desc, avail, used] = sampleFiles('snap02');
    const p = problemOf([status, desc!, avail!, { name: used!.name, bytes: used!.bytes.subarray(1) }]);
    expect(p.baseFor).toBeUndefined();
  });
});
