import { describe, expect, it } from 'vitest';
import type { ImportFile } from '../types';
import { parseSnapshotFiles } from './parseFiles';
import { sampleFiles, textFile } from './samples.testutil';
import { snapshotSummary } from './summary';
import type { RingSnapshot } from './types';
import { vhostFiles } from './vhost.testutil';

/**
 * An x-query-virtio-status answer as qmp_x_query_virtio_status() builds it (hw/virtio/virtio-qmp.c): `vhost-started`
 * always, `vhost-dev` only while vhost runs. Only the fields the importer reads are filled in beyond the name.
 */
const deviceStatus = (started: boolean | undefined, dev?: { 'vq-index': number; nvqs: number }, name = 'status.json') =>
  textFile(
    name,
    JSON.stringify(
      {
        return: {
          name: 'virtio-blk',
          'device-id': 2,
          ...(started === undefined ? {} : { 'vhost-started': started }),
          ...(dev ? { 'vhost-dev': { ...dev, 'n-mem-sections': 4, 'max-queues': 1, 'log-enabled': false } } : {}),
        },
      },
      null,
      2,
    ),
  );

const load = (files: ImportFile[]): RingSnapshot => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(`${r.problem.file}:${r.problem.line}: ${r.problem.message}`);
  return r.value;
};

describe('vhost decided by x-query-virtio-status', () => {
  it('without it, inferred from the missing shadow-avail-idx, and the summary says so', () => {
    const real = load(sampleFiles('snap02'));
    expect(real.vhostDecision).toEqual({
      vhost: false,
      by: 'missing-fields',
      inferred: false,
      device: null,
      queueInVhostDev: null,
    });
    const vhost = load(vhostFiles('snap02', 'vhost-queue'));
    expect(vhost.vhostDecision).toMatchObject({ vhost: true, by: 'missing-fields', inferred: true });
    expect(snapshotSummary(vhost)).toMatchObject({ device: { vhost: true, vhost_decided_by: 'missing-fields' } });
    expect((snapshotSummary(vhost) as { device: object }).device).not.toHaveProperty('virtio_status');
  });

  it('vhost-started false: not vhost, as the fields say', () => {
    const s = load([...sampleFiles('snap02'), deviceStatus(false, undefined, 'virtio-status.json')]);
    expect(s.vhostDecision).toMatchObject({ vhost: false, by: 'vhost-started', inferred: false });
    expect(s.status.vhost).toBe(false);
    expect(s.outstanding.filter((c) => c.popped).length).toBe(160);
  });

  it('vhost-started true with the vhost_dev owning the queue', () => {
    const files = [...vhostFiles('snap02', 'vhost-queue'), deviceStatus(true, { 'vq-index': 0, nvqs: 1 })];
    const s = load(files);
    expect(s.vhostDecision).toMatchObject({ vhost: true, by: 'vhost-started', queueInVhostDev: true });
    expect(snapshotSummary(s)).toMatchObject({
      device: {
        vhost: true,
        vhost_decided_by: 'vhost-started',
        virtio_status: {
          file: 'status.json',
          vhost_started: true,
          vhost_dev: { vq_index: 0, nvqs: 1 },
          queue_in_vhost_dev: true,
          vhost_inferred_from_fields: true,
        },
      },
    });
  });

  it('decides even where the fields would say otherwise (the queries straddled vhost starting)', () => {
    // The real sample's queue status has shadow-avail-idx (vhost not started when it was taken).
    const s = load([...sampleFiles('snap02'), deviceStatus(true, { 'vq-index': 2, nvqs: 2 })]);
    expect(s.vhostDecision).toMatchObject({
      vhost: true,
      by: 'vhost-started',
      inferred: false,
      queueInVhostDev: false,
    });
    expect(s.status.vhost).toBe(true);
    expect(s.statusAfter?.vhost).toBe(true);
    // vhost: QEMU's last_avail_idx is not the device's position, so whether a chain was popped is not known.
    expect(s.outstanding.every((c) => c.popped === null)).toBe(true);
  });

  it('an answer with vhost-dev but no vhost-started: vhost-dev decides', () => {
    const s = load([...vhostFiles('snap02', 'outside-vhost'), deviceStatus(undefined, { 'vq-index': 1, nvqs: 1 })]);
    expect(s.vhostDecision).toMatchObject({ vhost: true, by: 'vhost-dev', queueInVhostDev: false });
  });

  it('beside an HMP status, the HMP text is still the queue status', () => {
    const s = load([...vhostFiles('snap02', 'vhost-queue', 'hmp'), deviceStatus(false)]);
    expect(s.origin).toBe('hmp');
    expect(s.vhostDecision).toMatchObject({ vhost: false, by: 'vhost-started', inferred: true });
  });

  it('a mistyped vhost-started or a second answer is refused, naming the file', () => {
    const bad = textFile('vs.json', '{\n  "return": {\n    "vhost-started": "yes"\n  }\n}\n');
    const r = parseSnapshotFiles([...sampleFiles('snap02'), bad]);
    expect(r.ok || r.problem).toMatchObject({ file: 'vs.json', line: 3 });
    const two = parseSnapshotFiles([
      ...sampleFiles('snap02'),
      deviceStatus(true),
      deviceStatus(false, undefined, 'b.json'),
    ]);
    expect(two.ok || two.problem.message).toBe('two x-query-virtio-status answers: status.json and b.json');
  });
});
