// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ImportFile } from '../../../import/types';
import { parseSnapshotFiles } from '../../../import/snapshot/parseFiles';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import type { RingSnapshot } from '../../../import/snapshot/types';
import { VRING_DESC_F_NEXT } from '../../../virtio/constants';
import i18n from '../../i18n';
import { SnapshotView } from './SnapshotView';

/** snap02 with head 50 (avail position 808) made to link to itself, as decode.test.ts does. */
function looped(aheadBy = 0): RingSnapshot {
  const files: ImportFile[] = sampleFiles('snap02').map((f) => ({ name: f.name, bytes: f.bytes.slice() }));
  const desc = files.find((f) => f.name.endsWith('desc.bin'))!.bytes;
  const v = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
  v.setUint16(50 * 16 + 12, VRING_DESC_F_NEXT, true);
  v.setUint16(50 * 16 + 14, 50, true);
  if (aheadBy) {
    const avail = files.find((f) => f.name.endsWith('avail.bin'))!.bytes;
    new DataView(avail.buffer, avail.byteOffset, avail.byteLength).setUint16(2, 808 + aheadBy, true);
  }
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
}

beforeAll(() => i18n.loadNamespaces(['import', 'snapshot']));
beforeEach(() => void i18n.changeLanguage('en'));
afterEach(() => cleanup());

describe('SnapshotView: a broken ring', () => {
  it('lists the problem at the top and marks its row in the outstanding table', () => {
    render(<SnapshotView snapshot={looped()} />);
    const list = screen.getByTestId('ring-problems');
    expect(within(list).getByRole('heading').textContent).toBe('This ring is broken: 1 problem');
    expect(within(list).getByRole('listitem').textContent).toBe(
      'avail position 808 (slot 40, head 50): the chain loops: descriptor 50 links back to 50, already in this chain' +
        " QEMU's virtqueue_split_pop() would refuse it: “Looped descriptor”",
    );
    const marks = screen.getAllByTestId('broken-chain');
    expect(marks).toHaveLength(1);
    const row = marks[0]!.closest('tr')!;
    expect(row.className).toBe('snap-broken-row');
    expect(row.cells[0]!.textContent).toBe('808');
    expect(marks[0]!.textContent).toBe(
      "Broken chain: the chain loops: descriptor 50 links back to 50, already in this chainQEMU's virtqueue_split_pop() would refuse it: “Looped descriptor”",
    );
  });

  it('in Chinese too, with QEMU’s own words kept in English', async () => {
    await i18n.changeLanguage('zh-CN');
    render(<SnapshotView snapshot={looped()} />);
    const list = screen.getByTestId('ring-problems');
    expect(within(list).getByRole('heading').textContent).toBe('这个环已损坏：1 个问题');
    expect(within(list).getByRole('listitem').textContent).toContain('“Looped descriptor”');
    expect(screen.getByTestId('broken-chain').textContent).toMatch(/^链已损坏：链成环/);
  });

  it('more in flight than the ring holds comes first; past five problems the rest fold behind a summary', () => {
    render(<SnapshotView snapshot={looped(300)} />);
    const list = screen.getByTestId('ring-problems');
    const heading = within(list).getByRole('heading').textContent!;
    const total = Number(/(\d+) problems$/.exec(heading)![1]);
    expect(total).toBeGreaterThan(5);
    const items = within(list).getAllByRole('listitem');
    expect(items[0]!.textContent).toMatch(/^avail\.idx 1108 is 300 ahead of used\.idx 808/);
    expect(items[1]!.textContent).toMatch(/^avail position 808 .*“Looped descriptor”$/);
    const more = list.querySelector('details')!;
    expect(more.open).toBe(false);
    expect(more.querySelector('summary')!.textContent).toBe(`${total - 5} more problems`);
    expect(items).toHaveLength(total);
  });

  it('a healthy ring shows no problem list and no marked row', () => {
    const r = parseSnapshotFiles(sampleFiles('snap02'));
    if (!r.ok) throw new Error(r.problem.message);
    render(<SnapshotView snapshot={r.value} />);
    expect(screen.queryByTestId('ring-problems')).toBeNull();
    expect(screen.queryByTestId('broken-chain')).toBeNull();
  });
});
