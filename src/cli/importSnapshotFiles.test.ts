import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QEMU_SAMPLES } from '../testing/samples';
import { cliHarness } from './testing/cliHarness';

const { dir, cli } = cliHarness('virtio-viz-import-files-');
const sample = (name: string) => readFileSync(join(QEMU_SAMPLES, name));
const write = (name: string, bytes: Uint8Array | string): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

/** snap02's three real dumps in one file, as `pmemsave 0x2986000 6726 FILE` saves them (the gap left as zeros). */
function wholeRing(): Uint8Array {
  const bytes = new Uint8Array(0x1240 + 2054);
  bytes.set(sample('snap02_live_desc.bin'), 0);
  bytes.set(sample('snap02_live_avail.bin'), 0x1000);
  bytes.set(sample('snap02_live_used.bin'), 0x1240);
  return bytes;
}
const qmp = () => join(QEMU_SAMPLES, 'snap02_live_qmp.json');
const separate = () => ['desc', 'avail', 'used'].map((a) => join(QEMU_SAMPLES, `snap02_live_${a}.bin`));
const summaryOf = (r: { code: number; out: string; err: string }) => {
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
};

describe('virtio-viz import of one dump of the whole ring', () => {
  it('named by its address: the same ring as the three dumps', () => {
    const whole = summaryOf(cli('import', qmp(), write('ring_0x2986000.bin', wholeRing())));
    const three = summaryOf(cli('import', qmp(), ...separate()));
    for (const key of ['device', 'ring', 'outstanding', 'disagreements', 'problems'])
      expect(whole[key], key).toEqual(three[key]);
    expect(whole['ringDumps']).toEqual([
      {
        file: 'ring_0x2986000.bin',
        gpa: '0x2986000',
        bytes: 6726,
        areas: { desc: '0x0', avail: '0x1000', used: '0x1240' },
      },
    ]);
  });

  it('--base gives the address of a dump whose name has none', () => {
    const s = summaryOf(cli('import', qmp(), write('ring.bin', wholeRing()), '--base', '0x2986000'));
    expect(s['ring']).toMatchObject({ in_flight: 160 });
    expect(summaryOf(cli('import', qmp(), write('ring.bin', wholeRing()), '--base', String(0x2986000)))).toEqual(s);
  });

  it('without an address: refused, saying how to give one', () => {
    const r = cli('import', qmp(), write('ring.bin', wholeRing()));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ring\.bin: byte 4096: ring\.bin is 6726 bytes, which fits no area.*--base ADDR/);
  });

  it('a dump that holds part of an area: refused with what and where', () => {
    const r = cli('import', qmp(), write('ring_0x2986000.bin', wholeRing().subarray(0, 5000)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^virtio-viz: ring_0x2986000\.bin: byte 5000: ring_0x2986000\.bin holds guest memory 0x2986000\.\.0x2987387 .*only part of the used ring at 0x2987240\.\.0x2987a45/,
    );
  });

  it('--base refuses an address it cannot give to exactly one dump, and a bad address', () => {
    expect(cli('import', qmp(), ...separate(), '--base', '0x1000').err).toMatch(/--base: no \.bin file without/);
    const two = cli('import', qmp(), write('a.bin', wholeRing()), write('b.bin', wholeRing()), '--base', '0x1000');
    expect(two.err).toMatch(/--base: 2 \.bin files have no address in their names \(a\.bin, b\.bin\)/);
    expect(cli('import', qmp(), write('ring.bin', wholeRing()), '--base', 'ring').err).toMatch(
      /--base must be an address such as 0x2986000/,
    );
  });
});

describe('virtio-viz import with more QMP answers', () => {
  const capture = JSON.parse(sample('snap02_live_qmp.json').toString('utf8')) as {
    queue_status: unknown;
    queue_elements_by_avail_pos: Record<string, unknown>;
  };
  const status = () => write('status.json', JSON.stringify(capture.queue_status));

  it('an element answer that matches no outstanding chain is in unmatchedElements', () => {
    const stale = write('element968.json', JSON.stringify(capture.queue_elements_by_avail_pos['968']));
    const good = write('element808.json', JSON.stringify(capture.queue_elements_by_avail_pos['808']));
    const s = summaryOf(cli('import', status(), stale, good, ...separate()));
    expect(s['elements']).toBe(1);
    expect(s['unmatchedElements']).toEqual([
      {
        file: 'element968.json',
        index: expect.any(Number),
        availPos: 968,
        reason: 'notOutstanding',
        message: expect.stringMatching(/matches no outstanding chain: position 968 is not between used\.idx 808/),
      },
    ]);
    const outstanding = s['outstanding'] as { availPos: number; element: { index: number } | null }[];
    expect(outstanding.find((c) => c.availPos === 808)!.element).toMatchObject({ index: 50 });
  });

  it('x-query-virtio-status decides vhost, and the summary says which decided', () => {
    const plain = summaryOf(cli('import', qmp(), ...separate()));
    expect(plain['device']).toMatchObject({ vhost: false, vhost_decided_by: 'missing-fields' });
    const vs = write('virtio-status.json', JSON.stringify({ return: { name: 'virtio-blk', 'vhost-started': false } }));
    const s = summaryOf(cli('import', qmp(), vs, ...separate()));
    expect(s['device']).toMatchObject({
      vhost: false,
      vhost_decided_by: 'vhost-started',
      virtio_status: { file: 'virtio-status.json', vhost_started: false, vhost_dev: null },
    });
  });
});
