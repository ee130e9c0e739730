// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { I18nextProvider } from 'react-i18next';
import i18n from '../../i18n';
import { parseSnapshotFiles, type RingSnapshot } from '../../../import/snapshot';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import { vhostFiles, type VhostCase } from '../../../import/snapshot/vhost.testutil';
import { SnapshotView } from './SnapshotView';

afterEach(cleanup);
beforeAll(async () => {
  await i18n.changeLanguage('en');
  await i18n.loadNamespaces('snapshot');
});
afterAll(async () => {
  await i18n.changeLanguage('en');
});

/** A real sample edited as QEMU answers x-query-virtio-queue-status for a vhost device (vhost.testutil). */
const load = (c: VhostCase, status: 'qmp' | 'hmp' = 'qmp'): RingSnapshot => {
  const r = parseSnapshotFiles(vhostFiles('snap02', c, status));
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};
/** The private copies of the index the avail ring panel lists (their field names). */
const availCopies = () =>
  [...document.querySelectorAll('.vr-ring.vr-avail .vr-indices dt code')].map((el) => el.textContent);
const show = (ui: React.ReactElement) => render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>);
const valuesOf = (label: string) =>
  screen.queryAllByLabelText(label, { exact: true, selector: '*' }).map((el) => el.textContent);

describe('SnapshotView of a vhost device', () => {
  for (const status of ['qmp', 'hmp'] as const)
    it(`${status.toUpperCase()}, queue outside the vhost_dev: both indices "not reported (vhost)", never 0`, () => {
      show(<SnapshotView snapshot={load('outside-vhost', status)} />);
      expect(valuesOf('last_avail_idx')).toEqual(['not reported (vhost)']);
      expect(valuesOf('shadow_avail_idx')).toEqual(['not reported (vhost)']);
      // What QEMU did report is still shown.
      expect(valuesOf('used_idx')).toContain('807');
      expect(valuesOf('inuse')).toEqual(['161']);
      // The avail ring draws no device copy of it from a placeholder (the control shows one).
      expect(availCopies()).not.toContain('last_avail_idx');
      // The outstanding requests are there; whether QEMU popped each one is not known.
      expect(screen.getAllByText('not known (vhost: no last_avail_idx)')).toHaveLength(160);
      const notes = document.querySelectorAll('[data-testid="disagreements"] tr[data-kind="not-reported"]');
      expect(notes).toHaveLength(1);
      expect(notes[0]!.getAttribute('title')).toMatch(
        /^QEMU does not report last-avail-idx, shadow-avail-idx for a vhost device/,
      );
    });

  it('a vhost queue: shadow_avail_idx not reported; last_avail_idx as QEMU wrote it, not drawn in the ring', () => {
    show(<SnapshotView snapshot={load('vhost-queue')} />);
    expect(valuesOf('shadow_avail_idx')).toEqual(['not reported (vhost)']);
    // Shown in the device panel as QEMU reported it; not drawn in the avail ring as a position.
    expect(valuesOf('last_avail_idx')).toEqual(['0']);
    expect(availCopies()).not.toContain('last_avail_idx');
    const note = document.querySelector('[data-testid="disagreements"] tr[data-kind="not-reported"]')!;
    expect(note.getAttribute('title')).toContain("vhost_get_vring_base()'s return code");
  });

  it('(control) the real sample: last_avail_idx in the device panel and in the avail ring', () => {
    const r = parseSnapshotFiles(sampleFiles('snap02'));
    if (!r.ok) throw new Error(r.problem.message);
    show(<SnapshotView snapshot={r.value} />);
    expect(valuesOf('last_avail_idx')).toEqual(['968']);
    expect(availCopies()).toContain('last_avail_idx');
    expect(valuesOf('shadow_avail_idx')).toEqual(['968']);
    expect(screen.queryAllByText('not reported (vhost)')).toEqual([]);
  });

  it('says it in Chinese too', async () => {
    await i18n.changeLanguage('zh-CN');
    await i18n.loadNamespaces('snapshot');
    show(<SnapshotView snapshot={load('outside-vhost')} />);
    expect(valuesOf('last_avail_idx')).toEqual(['未报告（vhost）']);
    expect(valuesOf('shadow_avail_idx')).toEqual(['未报告（vhost）']);
    expect(screen.getAllByText('未知（vhost：没有 last_avail_idx）')).toHaveLength(160);
    const note = document.querySelector('[data-testid="disagreements"] tr[data-kind="not-reported"]')!;
    expect(note.getAttribute('title')).toMatch(/^对于 vhost 设备，QEMU 不报告 last-avail-idx, shadow-avail-idx（/);
  });
});
