// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { I18nextProvider } from 'react-i18next';
import i18n from '../../i18n';
import { parseSnapshotFiles, type RingSnapshot } from '../../../import/snapshot';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import { SnapshotView } from './SnapshotView';
import { SnapshotCompare } from './SnapshotCompare';

afterEach(cleanup);
beforeAll(async () => {
  await i18n.changeLanguage('en');
  // The view's texts are fetched with the view in the app; here they are loaded up front.
  await i18n.loadNamespaces('snapshot');
});

const load = (snap: 'snap00' | 'snap02'): RingSnapshot => {
  const r = parseSnapshotFiles(sampleFiles(snap));
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};
const show = (ui: React.ReactElement) => render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>);
const valueOf = (label: string) => screen.getAllByLabelText(label, { exact: true, selector: '*' })[0]!.textContent;

describe('SnapshotView', () => {
  it('draws snap02 with the ring components: indices, QEMU fields, indirect marking, disagreements', () => {
    show(<SnapshotView snapshot={load('snap02')} />);
    expect(valueOf('avail.idx')).toBe('968');
    expect(valueOf('used.idx')).toBe('808');
    expect(valueOf('inuse')).toBe('161');
    expect(valueOf('last_avail_idx')).toBe('968');
    const note = screen.getByTestId('indirect-note').textContent;
    expect(note).toMatch(/160 outstanding requests use INDIRECT/);
    // A command for one of this snapshot's own tables, not a made-up address.
    const s = load('snap02');
    const first = s.outstanding.find((c) => c.indirect && !c.indirect.captured)!;
    const at = `0x${first.indirect!.addr.toString(16)}`;
    expect(note).toContain(`for head ${first.head} here, pmemsave ${at} ${first.indirect!.len} ind_${at}.bin)`);
    expect(screen.getAllByTestId('indirect-not-captured')).toHaveLength(160);
    expect(screen.getByTestId('driver-not-captured')).toBeTruthy();
    const rows = within(screen.getByTestId('disagreements')).getAllByRole('row');
    expect(rows.length - 1).toBe(35);
    expect(screen.getByText('Disagreements (35)')).toBeTruthy();
    // notification and broken are not in QMP: shown as unknown, not invented.
    expect(screen.getAllByText('unknown').length).toBe(2);
    expect(screen.getAllByTestId('desc-row').length).toBeGreaterThan(0);
  }, 30_000);

  it('shows a partial import’s problem', () => {
    show(<SnapshotView snapshot={load('snap00')} problem={{ file: 'x.json', line: 9, message: 'broken element' }} />);
    expect(screen.getByRole('alert').textContent).toMatch(/x\.json.*9.*broken element/);
    expect(screen.getByText('No request is outstanding: used.idx equals avail.idx.')).toBeTruthy();
  }, 30_000);

  it('compare with the simulation says so when none is loaded', () => {
    show(<SnapshotView snapshot={load('snap00')} />);
    const open = screen.getByRole('button', { name: 'Compare with the simulation' });
    // An action whose label says what it does, never a pressed toggle (as the header's switch).
    expect(open.hasAttribute('aria-pressed')).toBe(false);
    expect(open.dataset.showing).toBe('none');
    fireEvent.click(open);
    expect(screen.getByText('No simulation is loaded to compare with.')).toBeTruthy();
    const hide = screen.getByRole('button', { name: 'Hide the comparison' });
    expect(hide.hasAttribute('aria-pressed')).toBe(false);
    expect(hide.dataset.showing).toBe('comparison');
    expect(screen.queryByRole('button', { name: 'Compare with the simulation' })).toBeNull();
    fireEvent.click(hide);
    expect(screen.queryByText('No simulation is loaded to compare with.')).toBeNull();
    expect(screen.getByRole('button', { name: 'Compare with the simulation' }).dataset.showing).toBe('none');
    expect((screen.getByTestId('export-ring-snapshot') as HTMLButtonElement).disabled).toBe(true);
  }, 30_000);
});

describe('SnapshotCompare', () => {
  it('puts two snapshots side by side and marks the fields that differ', () => {
    show(<SnapshotCompare left={load('snap00')} right={load('snap02')} leftLabel="idle" rightLabel="busy" />);
    const table = screen.getByTestId('snapshot-compare');
    const row = within(table).getByRole('row', { name: /avail\.idx/ });
    expect(row.textContent).toMatch(/avail\.idx456968differs/);
    expect(within(table).getByRole('row', { name: /vring\.num/ }).textContent).toMatch(/same/);
  }, 30_000);
});
