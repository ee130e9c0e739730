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

describe('SnapshotView: an element answer file that matched no outstanding request', () => {
  /** snap02's queue status and dumps with element answers saved as files (`pos`: the position QEMU was asked). */
  function withElements(files: ImportFile[], ...answers: [name: string, pos: number][]): RingSnapshot {
    const capture = JSON.parse(new TextDecoder().decode(sampleFiles('snap02')[0]!.bytes)) as {
      queue_elements_by_avail_pos: Record<string, unknown>;
    };
    const extra = answers.map(([name, pos]) => ({
      name,
      bytes: new TextEncoder().encode(JSON.stringify(capture.queue_elements_by_avail_pos[String(pos)])),
    }));
    const r = parseSnapshotFiles([...files, ...extra]);
    if (!r.ok) throw new Error(r.problem.message);
    return r.value;
  }

  it('a line saying which file and why, under its own heading, on a healthy ring', () => {
    const s = withElements(sampleFiles('snap02'), ['element968.json', 968], ['again808.json', 808]);
    render(<SnapshotView snapshot={s} />);
    const list = screen.getByTestId('ring-problems');
    expect(list.getAttribute('role')).toBe('status');
    expect(within(list).getByRole('heading').textContent).toBe('2 element query files matched no outstanding request');
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items[0]).toMatch(
      /^element968\.json \(head \d+\): avail position 968 is not between used\.idx 808 and avail\.idx 968 in the dump$/,
    );
    expect(items[1]).toBe(
      'again808.json (head 50): the chain at avail position 808 already has the element query from snap02_live_qmp.json',
    );
  });

  it('in Chinese too', async () => {
    await i18n.changeLanguage('zh-CN');
    render(<SnapshotView snapshot={withElements(sampleFiles('snap02'), ['element968.json', 968])} />);
    const list = screen.getByTestId('ring-problems');
    expect(within(list).getByRole('heading').textContent).toBe('1 个元素查询文件没有对应的未完成请求');
    expect(within(list).getByRole('listitem').textContent).toMatch(/^element968\.json（头 \d+）：可用环位置 968 不在/);
  });

  it('below the ring’s own problems when the ring is broken too', () => {
    const broken = sampleFiles('snap02').map((f) => ({ name: f.name, bytes: f.bytes.slice() }));
    const desc = broken.find((f) => f.name.endsWith('desc.bin'))!.bytes;
    const v = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
    v.setUint16(50 * 16 + 12, VRING_DESC_F_NEXT, true);
    v.setUint16(50 * 16 + 14, 50, true);
    render(<SnapshotView snapshot={withElements(broken, ['element968.json', 968])} />);
    const list = screen.getByTestId('ring-problems');
    expect(list.getAttribute('role')).toBe('alert');
    expect(
      within(list)
        .getAllByRole('heading')
        .map((h) => h.textContent),
    ).toEqual(['This ring is broken: 1 problem', '1 element query file matched no outstanding request']);
    expect(within(screen.getByTestId('unmatched-elements')).getByRole('listitem').textContent).toMatch(
      /^element968\.json/,
    );
  });
});
