// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import { parseSnapshotFiles } from '../../../import/snapshot';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import { QEMU_SAMPLES } from '../../../testing/samples';
import { ImportView } from '../ImportView';
import { importStore } from '../importStore';
import { pairStore } from './pairStore';

const files = (snap: 'snap00' | 'snap02') =>
  ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map(
    (n) => new File([readFileSync(`${QEMU_SAMPLES}/${snap}_live_${n}`)], `${snap}_live_${n}`),
  );

function showA(snap: 'snap00' | 'snap02') {
  const r = parseSnapshotFiles(sampleFiles(snap));
  if (!r.ok) throw new Error(r.problem.message);
  importStore.setState({ imported: { kind: 'snapshot', snapshot: r.value, problem: null }, view: 'import' });
  render(<ImportView />);
}
const bInput = () => screen.getByLabelText('Compare with another snapshot: choose its status file and .bin dumps');
const pair = () => screen.getByTestId('snapshot-pair');

beforeAll(() => i18n.loadNamespaces(['import', 'snapshot']));
beforeEach(() => void i18n.changeLanguage('en'));
afterEach(() => {
  cleanup();
  importStore.setState({ imported: null, view: 'simulation', error: null, progress: null });
  pairStore.setState({ second: null, error: null, loading: false });
});

describe('SnapshotPair', () => {
  it('loads B from the file input and shows what moved, the chains by head, and swaps and clears', async () => {
    showA('snap00');
    fireEvent.change(bInput(), { target: { files: files('snap02') } });
    await waitFor(() => expect(screen.getByTestId('snapshot-pair')).toBeTruthy(), { timeout: 10_000 });

    const compare = within(pair()).getByTestId('snapshot-compare');
    const row = within(compare).getByRole('row', { name: /avail\.idx/ });
    expect(row.className).toBe('snap-differs');
    expect(row.textContent).toBe('avail.idx456968+512differs');
    expect(within(compare).getByRole('row', { name: /vring\.desc/ }).textContent).toMatch(/0x29860000x2986000same$/);

    // Only what differs.
    fireEvent.click(within(pair()).getByRole('button', { name: 'Only the fields that differ (12)' }));
    expect(within(compare).queryByRole('row', { name: /vring\.desc/ })).toBeNull();

    const chains = within(pair()).getByTestId('chain-diff');
    expect(within(chains).getByTestId('chain-count-right').textContent).toBe('Only in B (160)');
    expect((within(chains).getByTestId('chain-count-left') as HTMLButtonElement).disabled).toBe(true);
    const first = within(chains).getAllByRole('row')[1]!;
    expect(first.textContent).toBe('50only in B—808 · slot 40popped by QEMU');

    // Swap: B's snapshot is now the one the view shows.
    fireEvent.click(within(pair()).getByRole('button', { name: 'Swap A and B' }));
    expect(screen.getByRole('heading', { level: 2 }).textContent).toMatch(/snap02_live_qmp\.json/);
    expect(within(screen.getByTestId('pair-side-a')).getByText('snap02_live_qmp.json')).toBeTruthy();
    expect(within(compare).getByRole('row', { name: /avail\.idx/ }).textContent).toBe('avail.idx968456-512differs');
    expect(within(screen.getByTestId('chain-diff')).getByTestId('chain-count-left').textContent).toBe(
      'Only in A (160)',
    );

    // Clear A: B (snap00 now) takes its place, alone.
    fireEvent.click(screen.getByRole('button', { name: 'Clear A (snap02_live_qmp.json): B takes its place' }));
    expect(screen.getByRole('heading', { level: 2 }).textContent).toMatch(/snap00_live_qmp\.json/);
    expect(screen.queryByTestId('snapshot-pair')).toBeNull();
    expect(screen.getByTestId('snapshot-pair-drop')).toBeTruthy();
  }, 60_000);

  it('takes B from a drop on its box, not letting the page-wide import see it', async () => {
    showA('snap02');
    let pageDrops = 0;
    const onPage = () => pageDrops++;
    window.addEventListener('drop', onPage);
    try {
      const zone = screen.getByTestId('snapshot-pair-drop');
      const dataTransfer = { types: ['Files'], files: files('snap02'), dropEffect: 'none' };
      fireEvent.dragEnter(zone, { dataTransfer });
      expect(zone.className).toMatch(/snap-pair-over/);
      expect(zone.textContent).toMatch(/Drop to load them as B\./);
      fireEvent.drop(zone, { dataTransfer });
      await waitFor(() => expect(screen.getByTestId('snapshot-pair')).toBeTruthy(), { timeout: 10_000 });
      expect(pageDrops).toBe(0);
      // The same instant on both sides: every chain is in both, and nothing moved.
      expect(within(screen.getByTestId('chain-diff')).getByTestId('chain-count-both').textContent).toBe(
        'In both (160)',
      );
      fireEvent.click(screen.getByRole('button', { name: 'Clear B (snap02_live_qmp.json)' }));
      expect(screen.queryByTestId('snapshot-pair')).toBeNull();
    } finally {
      window.removeEventListener('drop', onPage);
    }
  }, 60_000);

  it('a bad file for B is named with its byte, and A and B stay', async () => {
    showA('snap00');
    await act(() => pairStore.getState().loadSecond(files('snap02')));
    const bad = files('snap02').map((f) =>
      f.name.endsWith('used.bin') ? new File([readFileSync(`${QEMU_SAMPLES}/${f.name}`).subarray(0, 2000)], f.name) : f,
    );
    fireEvent.change(screen.getByLabelText("Replace B: choose another snapshot's files"), { target: { files: bad } });
    const alert = await screen.findByTestId('pair-error', {}, { timeout: 10_000 });
    expect(within(alert).getByTestId('import-problem-place').textContent).toBe('snap02_live_used.bin, byte 2000');
    expect(alert.textContent).toMatch(/Nothing changed: A and B stay as they were\./);
    expect(within(screen.getByTestId('pair-side-b')).getByText('snap02_live_qmp.json')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2 }).textContent).toMatch(/snap00_live_qmp\.json/);
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('pair-error')).toBeNull();
  }, 60_000);
});
