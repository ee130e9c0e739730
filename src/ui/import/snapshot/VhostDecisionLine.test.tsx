// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import { parseSnapshotFiles, type RingSnapshot } from '../../../import/snapshot';
import { sampleFiles, textFile } from '../../../import/snapshot/samples.testutil';
import { vhostFiles } from '../../../import/snapshot/vhost.testutil';
import type { ImportFile } from '../../../import/types';
import { SnapshotView } from './SnapshotView';

afterEach(cleanup);
beforeAll(async () => {
  await i18n.changeLanguage('en');
  await i18n.loadNamespaces('snapshot');
});
afterAll(async () => {
  await i18n.changeLanguage('en');
});

/** An x-query-virtio-status answer as qmp_x_query_virtio_status() builds it (`vhost-dev` only while vhost runs). */
const deviceStatus = (started: boolean | undefined, dev?: { 'vq-index': number; nvqs: number }) =>
  textFile(
    'virtio-status.json',
    JSON.stringify({
      return: {
        name: 'virtio-blk',
        'device-id': 2,
        ...(started === undefined ? {} : { 'vhost-started': started }),
        ...(dev ? { 'vhost-dev': { ...dev, 'n-mem-sections': 4, 'max-queues': 1, 'log-enabled': false } } : {}),
      },
    }),
  );

const load = (files: ImportFile[]): RingSnapshot => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};
/** The lines under the device panel, in the order shown. */
const vhostLines = () =>
  [...screen.getByTestId('vhost-decision').querySelectorAll('p')].map((p) => p.textContent ?? '');

describe('SnapshotView: what decided vhost, in the device column', () => {
  it('the real sample alone: inferred, not vhost, from the reported shadow-avail-idx', () => {
    render(<SnapshotView snapshot={load(sampleFiles('snap02'))} />);
    expect(vhostLines()).toEqual(['vhost: no (inferred: shadow-avail-idx reported)']);
    // It sits with QEMU's VirtQueue fields, in the device column.
    const column = screen.getByTestId('vhost-decision').closest('.column-device');
    expect(column).not.toBeNull();
    expect(within(column as HTMLElement).getByLabelText('used_idx')).toBeTruthy();
  });

  it('a vhost status with no device status: inferred from the missing shadow-avail-idx', () => {
    render(<SnapshotView snapshot={load(vhostFiles('snap02', 'vhost-queue'))} />);
    expect(vhostLines()).toEqual(['vhost: yes (inferred: no shadow-avail-idx)']);
  });

  it('x-query-virtio-status vhost-started, agreeing with the fields', () => {
    const files = [...vhostFiles('snap02', 'vhost-queue'), deviceStatus(true, { 'vq-index': 0, nvqs: 1 })];
    render(<SnapshotView snapshot={load(files)} />);
    expect(vhostLines()).toEqual(['vhost: yes (x-query-virtio-status vhost-started)']);
  });

  it('vhost-started false beside the real sample', () => {
    render(<SnapshotView snapshot={load([...sampleFiles('snap02'), deviceStatus(false)])} />);
    expect(vhostLines()).toEqual(['vhost: no (x-query-virtio-status vhost-started)']);
  });

  it('vhost-dev alone decides, and a queue outside its range is said', () => {
    const files = [...vhostFiles('snap02', 'outside-vhost'), deviceStatus(undefined, { 'vq-index': 2, nvqs: 2 })];
    render(<SnapshotView snapshot={load(files)} />);
    expect(vhostLines()).toEqual([
      'vhost: yes (x-query-virtio-status vhost-dev)',
      "This queue is not one of the vhost device's virtqueues (2–3).",
    ]);
  });

  it('a device status that the queue status’s fields contradict: both said', () => {
    render(
      <SnapshotView snapshot={load([...sampleFiles('snap02'), deviceStatus(true, { 'vq-index': 0, nvqs: 1 })])} />,
    );
    expect(vhostLines()).toEqual([
      'vhost: yes (x-query-virtio-status vhost-started)',
      'The queue status still has shadow-avail-idx, as without vhost: vhost started or stopped between the two queries.',
    ]);
  });

  it('in Chinese too', async () => {
    await i18n.changeLanguage('zh-CN');
    render(<SnapshotView snapshot={load(vhostFiles('snap02', 'vhost-queue'))} />);
    expect(vhostLines()).toEqual(['vhost：是（推断：没有 shadow-avail-idx）']);
    cleanup();
    render(<SnapshotView snapshot={load([...sampleFiles('snap02'), deviceStatus(false)])} />);
    expect(vhostLines()).toEqual(['vhost：否（x-query-virtio-status vhost-started）']);
    await i18n.changeLanguage('en');
  });
});
