import { describe, expect, it } from 'vitest';
import type { ImportFile } from '../types';
import { looksLikeSnapshot } from './detect';
import { parseSnapshotFiles } from './parseFiles';
import { sampleFiles, textFile } from './samples.testutil';

const withFile = (files: ImportFile[], i: number, f: ImportFile) => files.map((x, k) => (k === i ? f : x));
const qmpText = () => new TextDecoder().decode(sampleFiles('snap02')[0]!.bytes);

function problemOf(files: ImportFile[]) {
  const r = parseSnapshotFiles(files);
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
}

describe('bad input gives a problem naming the file and the line or byte, never a throw', () => {
  it('a truncated used ring: file and the byte where it ends', () => {
    const files = sampleFiles('snap02');
    const used = files[3]!;
    const p = problemOf(withFile(files, 3, { name: used.name, bytes: used.bytes.subarray(0, 2000) }));
    expect(p).toMatchObject({ file: 'snap02_live_used.bin', byte: 2000 });
    expect(p.message).toMatch(/truncated.*2054/);
  });

  it('a too-long descriptor table: the byte where the extra starts', () => {
    const files = sampleFiles('snap02');
    const big = new Uint8Array(4100);
    const p = problemOf(withFile(files, 1, { name: 'snap02_live_desc.bin', bytes: big }));
    expect(p).toMatchObject({ file: 'snap02_live_desc.bin', byte: 4096 });
    expect(p.message).toMatch(/too long/);
  });

  it('a missing area names the area and its expected size', () => {
    const p = problemOf(sampleFiles('snap02').slice(0, 3));
    expect(p.file).toBe('snap02_live_qmp.json');
    expect(p.message).toMatch(/used ring.*missing.*2054/);
  });

  it('bins without telling names are matched by size; one that fits nothing is named', () => {
    const files = sampleFiles('snap02').map((f, i) => (i === 0 ? f : { name: `dump${i}.bin`, bytes: f.bytes }));
    const r = parseSnapshotFiles([files[0]!, files[3]!, files[1]!, files[2]!]);
    expect(r.ok && r.value.used.idx).toBe(808);
    const odd = [files[0]!, files[1]!, files[2]!, { name: 'odd.bin', bytes: new Uint8Array(100) }];
    expect(problemOf(odd)).toMatchObject({ file: 'odd.bin', byte: 100 });
  });

  it('two files for one area', () => {
    const files = sampleFiles('snap02');
    const p = problemOf([...files, { name: 'other_used.bin', bytes: files[3]!.bytes }]);
    expect(p.message).toMatch(/two files for the used ring/);
  });

  it('malformed JSON: the line of the error', () => {
    const text = '{\n  "return": {\n    "inuse": 0,\n    oops\n  }\n}\n';
    const p = problemOf(withFile(sampleFiles('snap00'), 0, textFile('bad.json', text)));
    expect(p).toMatchObject({ file: 'bad.json', line: 4 });
    expect(p.message).toMatch(/not valid JSON/);
  });

  it('a missing or mistyped status field: its name and line', () => {
    const missing = qmpText().replace('"used-idx": 807,', '');
    expect(problemOf(withFile(sampleFiles('snap02'), 0, textFile('s.json', missing)))).toMatchObject({
      file: 's.json',
      line: 5,
      message: '"used-idx" is missing',
    });
    const typo = qmpText().replace('"inuse": 161', '"inuse": "many"');
    const p = problemOf(withFile(sampleFiles('snap02'), 0, textFile('s.json', typo)));
    expect(p.line).toBe(7);
    expect(p.message).toMatch(/"inuse" must be an integer/);
  });

  it('a QMP error answer is reported with QEMU’s description', () => {
    const text = '{"error": {"class": "GenericError", "desc": "No such VirtIO device"}}';
    expect(problemOf(withFile(sampleFiles('snap00'), 0, textFile('e.json', text))).message).toMatch(
      /No such VirtIO device/,
    );
  });

  it('vring-num that is not a power of two', () => {
    const text = qmpText().replaceAll('"vring-num": 256', '"vring-num": 200');
    const p = problemOf(withFile(sampleFiles('snap02'), 0, textFile('s.json', text)));
    expect(p.message).toMatch(/vring-num 200/);
    expect(p.line).toBeGreaterThan(1);
  });

  it('a bad element query keeps the ring and the elements before it, marked partial', () => {
    const text = qmpText().replace('"index": 67,', '"index": -1,');
    const r = parseSnapshotFiles(withFile(sampleFiles('snap02'), 0, textFile('s.json', text)));
    expect(r.ok && r.partial).toBe(true);
    if (!r.ok || !r.partial) return;
    expect(r.problem.message).toMatch(/avail position 809/);
    expect(r.problem.line).toBeGreaterThan(1);
    expect(r.value.elements).toHaveLength(1);
    expect(r.value.outstanding).toHaveLength(160);
  });

  it('HMP text that does not parse: the line', () => {
    const hmp = new TextDecoder().decode(sampleFiles('snap02', 'hmp.txt')[0]!.bytes);
    const bad = hmp.replace('inuse:                161', 'inuse:                lots');
    const p = problemOf(withFile(sampleFiles('snap02', 'hmp.txt'), 0, textFile('s.txt', bad)));
    expect(p).toMatchObject({ file: 's.txt', line: 4 });
    const nothing = problemOf(withFile(sampleFiles('snap02', 'hmp.txt'), 0, textFile('s.txt', 'hello\n')));
    expect(nothing).toMatchObject({ file: 's.txt', line: 1 });
    const badDesc = hmp.replace('addr 0xfc75000 len 4096 (write, next),', 'addr zz');
    const r = parseSnapshotFiles(withFile(sampleFiles('snap02', 'hmp.txt'), 0, textFile('s.txt', badDesc)));
    expect(r.ok && r.partial && r.problem.line).toBe(25);
    const noKey = hmp.replace(/ {2}used_idx: [^\n]*\n/, '');
    expect(problemOf(withFile(sampleFiles('snap02', 'hmp.txt'), 0, textFile('s.txt', noKey))).message).toMatch(
      /used_idx/,
    );
  });

  it('no status file at all, or no files', () => {
    expect(problemOf(sampleFiles('snap02').slice(1)).message).toMatch(/no status file/);
    expect(problemOf([]).message).toMatch(/no status file/);
  });

  it('random bytes anywhere never throw', () => {
    for (let seed = 1; seed < 60; seed++) {
      const files = sampleFiles(seed % 2 ? 'snap00' : 'snap02', seed % 3 ? 'qmp.json' : 'hmp.txt');
      const f = files[seed % 4]!;
      const bytes = f.bytes.slice(0, (seed * 7919) % (f.bytes.length + 1));
      for (let k = 0; k < bytes.length; k += 1 + (seed % 13)) bytes[k] = (bytes[k]! * seed + k) & 0xff;
      expect(() => parseSnapshotFiles(withFile(files, seed % 4, { name: f.name, bytes }))).not.toThrow();
    }
  });
});

describe('looksLikeSnapshot', () => {
  it('recognises the QMP JSON, the HMP text and named dumps; not a trace log', () => {
    expect(looksLikeSnapshot(sampleFiles('snap02'))).toBe(true);
    expect(looksLikeSnapshot(sampleFiles('snap02', 'hmp.txt').slice(0, 1))).toBe(true);
    expect(looksLikeSnapshot(sampleFiles('snap02').slice(0, 1))).toBe(true);
    expect(looksLikeSnapshot([textFile('q.json', '{"return": {"last-avail-idx": 1}}')])).toBe(true);
    expect(looksLikeSnapshot([textFile('t.log', '123@1.2:virtqueue_pop vq 0x1 elem 0x2 in_num 1 out_num 2\n')])).toBe(
      false,
    );
  });
});
