// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { I18nextProvider } from 'react-i18next';
import i18n from '../../i18n';
import { parseSnapshotFiles, snapshotQueueView, type RingSnapshot } from '../../../import/snapshot';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import type { ImportFile } from '../../../import/types';
import { VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../../virtio/constants';
import { DescriptorTable } from '../../components';
import { hex } from '../../components/format';
import { SnapshotRing } from './SnapshotRing';

afterEach(cleanup);
beforeAll(async () => {
  await i18n.changeLanguage('en');
  await i18n.loadNamespaces('snapshot');
});

const load = (files: ImportFile[]): RingSnapshot => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};
const show = (ui: React.ReactElement) => render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>);
const landmarkNames = () =>
  [...document.querySelectorAll('section[aria-labelledby], [role="region"]')].map((el) => {
    const by = el.getAttribute('aria-labelledby');
    return by ? document.getElementById(by)!.textContent : el.getAttribute('aria-label');
  });

/** An indirect table's bytes, as Linux writes one: header (device reads), data and status (device writes). */
function table(): { bytes: Uint8Array; addrs: bigint[] } {
  const rows = [
    { addr: 0x3f1c200n, len: 16, flags: VRING_DESC_F_NEXT, next: 1 },
    { addr: 0x4a00000n, len: 4096, flags: VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, next: 2 },
    { addr: 0x3f1c210n, len: 1, flags: VRING_DESC_F_WRITE, next: 0 },
  ];
  const bytes = new Uint8Array(48);
  const v = new DataView(bytes.buffer);
  rows.forEach((d, k) => {
    v.setBigUint64(16 * k, d.addr, true);
    v.setUint32(16 * k + 8, d.len, true);
    v.setUint16(16 * k + 12, d.flags, true);
    v.setUint16(16 * k + 14, d.next, true);
  });
  return { bytes, addrs: rows.map((d) => d.addr) };
}

describe('SnapshotRing: the descriptor table of a real VM’s ring', () => {
  it('hangs a "not captured" row under each INDIRECT head whose table is not in the snapshot', () => {
    const s = load(sampleFiles('snap02'));
    show(<SnapshotRing snapshot={s} />);
    const notes = screen.getAllByTestId('indirect-unread');
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) {
      const via = Number(note.closest('tr')!.dataset.via);
      const addr = hex(s.desc[via]!.addr, 8);
      expect(note.textContent).toBe(
        `3 entries (len 48) at ${addr}: not captured, so not shown. ` +
          "QEMU's element query lists them under Outstanding requests.",
      );
      // No entries are drawn, and the caption does not claim a count it could not read.
      const sub = note.closest('.vr-indirect')!;
      expect(within(sub as HTMLElement).queryByRole('table')).toBeNull();
      expect(sub.textContent).toMatch(new RegExp(`^↳ indirect table of desc ${via}3 entries`));
    }
    expect(screen.queryAllByTestId('indirect-table')).toHaveLength(0);
  });

  it('draws the entries of a table the snapshot holds, read from the dumped bytes', () => {
    const base = load(sampleFiles('snap02'));
    const head = Math.min(...base.outstanding.map((c) => c.head));
    const { bytes, addrs } = table();
    const at = base.desc[head]!.addr;
    const s = load([...sampleFiles('snap02'), { name: `ind_0x${at.toString(16)}.bin`, bytes }]);
    show(<SnapshotRing snapshot={s} />);
    const row = document.querySelector(`tr[data-via="${head}"]`) as HTMLElement;
    expect(row.textContent).toMatch(`indirect table of desc ${head} at ${hex(at, 8)}: 3 entries`);
    const rows = within(within(row).getByTestId('indirect-table')).getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['0', hex(addrs[0]!, 8), '16', 'NEXT', '→ 1'],
      ['1', hex(addrs[1]!, 8), '4096', 'NEXTWRITE', '→ 2'],
      ['2', hex(addrs[2]!, 8), '1', 'WRITE', '0'],
    ]);
    expect(within(row).queryByTestId('indirect-unread')).toBeNull();
  });

  it('names the table’s two landmarks apart, and after the snapshot, so no two share a name', () => {
    show(<SnapshotRing snapshot={load(sampleFiles('snap02'))} />);
    expect(screen.getByRole('region', { name: 'vq0 descriptor rows · snapshot snap02_live_qmp.json' })).toBeTruthy();
    const heading = screen.getByRole('heading', { name: /^Descriptor table/ });
    expect(heading.textContent).toMatch(/^Descriptor table · vq0 at 0x02986000 · .* · snapshot snap02_live_qmp\.json$/);
    const names = landmarkNames();
    expect(new Set(names).size).toBe(names.length);
  });

  it('in the live view (no context) the scroll region is named by its queue, apart from the section', () => {
    const q = snapshotQueueView(load(sampleFiles('snap00')));
    show(<DescriptorTable queue={q} changed={new Set()} />);
    expect(screen.getByRole('region', { name: 'vq0 descriptor rows' })).toBeTruthy();
    const names = landmarkNames();
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
  });
});
