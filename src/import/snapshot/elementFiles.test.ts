import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImportFile } from '../types';
import { elementPosByName } from './extraJson';
import { parseSnapshotFiles } from './parseFiles';
import { SAMPLES, sampleFiles, textFile } from './samples.testutil';
import { snapshotSummary } from './summary';
import type { RingSnapshot } from './types';

// snap02's capture split the way someone saving QMP answers one per file would have them.
const capture = JSON.parse(readFileSync(`${SAMPLES}snap02_live_qmp.json`, 'utf8')) as {
  queue_status: unknown;
  queue_elements_by_avail_pos: Record<string, { return: { index: number } }>;
};
const status = textFile('status.json', JSON.stringify(capture.queue_status));
const dumps = sampleFiles('snap02').filter((f) => f.name.endsWith('.bin'));
/** The element answer QEMU gave for avail position `pos`, saved under `name`; `index` replaces its head. */
const element = (name: string, pos: number, index?: number): ImportFile => {
  const answer = structuredClone(capture.queue_elements_by_avail_pos[String(pos)]!);
  if (index !== undefined) answer.return.index = index;
  return textFile(name, JSON.stringify(answer, null, 2));
};

const load = (files: ImportFile[]): RingSnapshot => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(`${r.problem.file}: ${r.problem.message}`);
  return r.value;
};
const plain = load([status, ...dumps]);

describe('an element answer in its own file', () => {
  it('the position in its name picks the chain', () => {
    const s = load([status, element('element808.json', 808), ...dumps]);
    const chain = s.outstanding.find((c) => c.availPos === 808)!;
    expect(chain.head).toBe(50);
    expect(chain.element).toMatchObject({ availPos: 808, index: 50 });
    expect(chain.element!.chain.map((d) => d.len)).toEqual([16, 4096, 1]);
    expect(s.elements.map((e) => e.availPos)).toEqual([808]);
    expect(s.unmatchedElements).toEqual([]);
  });

  it('without a position, the one outstanding chain with its head', () => {
    const s = load([status, element('answer.json', 809), ...dumps]);
    expect(s.outstanding.find((c) => c.availPos === 809)!.element).toMatchObject({ availPos: 809, index: 67 });
    expect(s.unmatchedElements).toEqual([]);
  });

  it('a position outside used.idx..avail.idx matches nothing, and is said', () => {
    const s = load([status, element('element968.json', 968), ...dumps]);
    expect(s.outstanding.every((c) => c.element === null)).toBe(true);
    expect(s.elements).toEqual([]);
    expect(s.unmatchedElements).toEqual([
      {
        file: 'element968.json',
        index: capture.queue_elements_by_avail_pos['968']!.return.index,
        availPos: 968,
        reason: 'notOutstanding',
        message: expect.stringMatching(
          /^element968\.json \(head \d+, avail position 968\) matches no outstanding chain: position 968 is not between used\.idx 808 and avail\.idx 968 in the dump \(160 in flight\)$/,
        ),
        params: { pos: 968, used: 808, avail: 968 },
      },
    ]);
  });

  it('a head no outstanding chain starts at matches nothing, and is said', () => {
    const heads = new Set(plain.outstanding.map((c) => c.head));
    const free = Array.from({ length: 256 }, (_, i) => i).find((i) => !heads.has(i))!;
    const s = load([status, element('answer.json', 808, free), ...dumps]);
    expect(s.unmatchedElements).toMatchObject([{ file: 'answer.json', index: free, availPos: null, reason: 'noHead' }]);
    expect(s.unmatchedElements[0]!.message).toBe(
      `answer.json (head ${free}) matches no outstanding chain: none of the 160 between used.idx 808 and avail.idx 968 starts at descriptor ${free}`,
    );
  });

  it('a head two outstanding chains start at needs the position in the name', () => {
    // The avail ring offering head 50 at position 809 too (slot 809 % 256 = 41).
    const avail = dumps[1]!.bytes.slice();
    new DataView(avail.buffer).setUint16(4 + 2 * (809 % 256), 50, true);
    const bent = [dumps[0]!, { name: dumps[1]!.name, bytes: avail }, dumps[2]!];
    const s = load([status, element('answer.json', 808), ...bent]);
    expect(s.unmatchedElements).toMatchObject([{ reason: 'ambiguous', params: { head: 50, positions: '808, 809' } }]);
    expect(s.unmatchedElements[0]!.message).toMatch(
      /name the file by the position it asked about \(e\.g\. element808\.json\)/,
    );
    expect(load([status, element('element809.json', 808), ...bent]).unmatchedElements).toEqual([]);
  });

  it('a chain that has its element query already (from the capture) keeps it; the file is said', () => {
    const s = load([...sampleFiles('snap02'), element('element808.json', 808)]);
    expect(s.elements).toHaveLength(161);
    expect(s.unmatchedElements).toMatchObject([
      { file: 'element808.json', reason: 'duplicate', params: { pos: 808, other: 'snap02_live_qmp.json' } },
    ]);
  });

  it('the CLI summary lists what matched nothing', () => {
    const s = snapshotSummary(
      load([status, element('element968.json', 968), element('element808.json', 808), ...dumps]),
    );
    expect(s).toMatchObject({
      elements: 1,
      unmatchedElements: [{ file: 'element968.json', availPos: 968, reason: 'notOutstanding' }],
    });
  });

  it('a malformed element answer names its file and line', () => {
    const bad = textFile('element808.json', '{\n  "return": {\n    "index": 50,\n    "descs": 7\n  }\n}\n');
    const r = parseSnapshotFiles([status, bad, ...dumps]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toMatchObject({ file: 'element808.json', line: 4 });
    expect(r.problem.message).toMatch(/"descs" must be a list/);
  });

  it('reads the position from the name only after a word that says so', () => {
    expect(elementPosByName('element808.json')).toBe(808);
    expect(elementPosByName('/tmp/snap02_index-70000.json')).toBe(70000 & 0xffff);
    expect(elementPosByName('elem_3.json')).toBe(3);
    expect(elementPosByName('snap02_answer.json')).toBeNull();
  });
});
