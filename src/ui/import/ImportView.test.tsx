// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import i18n from '../i18n';
import { parseTrace } from '../../import/trace/parser';
import { L, readRequest, text, withStamps } from '../../import/trace/testing/lines';
import { ImportStatus } from './ImportStatus';
import { ImportView } from './ImportView';
import { importStore } from './importStore';

const load = (lines: string[]) => {
  const r = parseTrace({ name: 'hand.log', text: text(lines) });
  if (!r.ok) throw new Error(r.problem.message);
  importStore.setState({
    imported: { kind: 'trace', trace: r.value, problem: r.partial ? r.problem : null },
    view: 'import',
    selected: r.value.events.length - 1,
    queue: 0,
    error: null,
    progress: null,
  });
};

// The import views' texts are fetched with the view in the app; here they are loaded up front.
beforeAll(() => i18n.loadNamespaces(['import', 'snapshot']));
beforeEach(() => void i18n.changeLanguage('en'));
afterEach(() => {
  cleanup();
  importStore.setState({ imported: null, view: 'simulation', error: null, progress: null });
});

describe('ImportView (trace)', () => {
  it('shows the VirtQueue fields at the chosen event and moves with the scrubber', () => {
    load([L.kick(), L.pop('0xa'), L.read('0xa', 0), L.pop('0xb'), L.done('0xa'), L.fill('0xa'), L.flush()]);
    render(<ImportView />);
    expect(screen.getByLabelText('last_avail_idx').textContent).toBe('2');
    expect(screen.getByLabelText('used_idx').textContent).toBe('1');
    expect(screen.getByLabelText('inuse').textContent).toBe('1');
    expect(screen.getByLabelText('in flight').textContent).toBe('1');
    fireEvent.change(screen.getByRole('slider', { name: 'Timeline' }), { target: { value: '1' } });
    expect(screen.getByLabelText('last_avail_idx').textContent).toBe('1');
    expect(screen.getByTestId('scrub-event').textContent).toContain('virtqueue_pop');
    fireEvent.click(screen.getByRole('button', { name: 'Next event' }));
    expect(screen.getByTestId('scrub-event').textContent).toContain('virtio_blk_handle_read');
  });

  it('says what a trace cannot know, and that there are no latencies without timestamps', () => {
    load([L.kick(), ...readRequest('0xa', 0)]);
    render(<ImportView />);
    const unknown = screen.getByRole('region', { name: 'Not in a trace' });
    expect(within(unknown).getByText('descriptor contents')).toBeTruthy();
    expect(within(unknown).getByText('avail.idx')).toBeTruthy();
    expect(screen.getByText(/Not in this trace: timestamps/)).toBeTruthy();
  });

  it('shows latencies and the requests table when the lines carry timestamps', () => {
    load(withStamps([L.kick(), ...readRequest('0xa', 0), L.pop('0xb', 1, 1), L.done('0xb')]));
    render(<ImportView />);
    expect(screen.getByTestId('latency-median').textContent).toMatch(/µs/);
    const table = screen.getByRole('table', { name: /^Requests/ });
    const rows = within(table).getAllByRole('row');
    // Header, the FLUSH still held (completed, not yet filled), then the finished read.
    expect(rows).toHaveLength(3);
    expect(rows[1]!.textContent).toContain('FLUSH');
    expect(rows[2]!.textContent).toContain('read');
    expect(rows[2]!.textContent).toContain('in used ring');
  });

  it('lets a keyboard reach and scroll the requests table, under a name of its own', () => {
    load(withStamps([L.kick(), ...readRequest('0xa', 0)]));
    render(<ImportView />);
    const scroller = screen.getByRole('region', { name: 'Imported request rows' });
    expect(scroller.tabIndex).toBe(0);
    expect(scroller.classList.contains('imp-table-scroll')).toBe(true);
    expect(within(scroller).getByRole('table', { name: /^Requests/ })).toBeTruthy();
    // Landmark names differ: the section is named by its heading, the scrolling region by its own label.
    expect(screen.getAllByRole('region', { name: 'Imported request rows' })).toHaveLength(1);
  });

  it('back to the simulation leaves focus on the header switch, or on the main area', () => {
    load([L.kick(), ...readRequest('0xa', 0)]);
    const main = document.createElement('main');
    main.id = 'main';
    main.tabIndex = -1;
    document.body.append(main);
    render(<ImportView />);
    const back = screen.getByRole('button', { name: 'Back to the simulation' });
    back.focus();
    fireEvent.click(back);
    expect(document.activeElement).toBe(main);
    main.remove();
  });

  it('marks a partial import with its file and line', () => {
    // From a reset on the state is known: a flush with nothing filled contradicts it.
    load([L.reset(), L.kick(), L.pop('0xa'), L.flush()]);
    render(<ImportView />);
    expect(screen.getByTestId('import-partial').textContent).toContain('hand.log:4');
    expect(screen.queryByTestId('import-mid-run')).toBeNull();
  });

  it('says that a trace starts mid-run, what it cannot know, and which requests began before it', () => {
    load([L.read('0xa', 0), L.done('0xa'), L.fill('0xa'), L.flush(), L.kick(), L.pop('0xb')]);
    importStore.setState({ selected: 3 });
    render(<ImportView />);
    expect(screen.getByTestId('import-mid-run').textContent).toMatch(
      /Starts mid-run: .* before line 1 is unknown.* 1 request\(s\) began before the trace/,
    );
    expect(screen.getByTestId('import-fields-relative').textContent).toMatch(/from the trace's start/);
    expect(screen.getByText(/\(begun before the trace\)/)).toBeTruthy();
    act(() => importStore.setState({ selected: 5 }));
    expect(screen.getByLabelText('last_avail_idx').textContent).toBe('1');
  });

  it('after a reset the fields are QEMU’s own again', () => {
    load([L.kick(), L.pop('0xa'), L.reset(), L.status(15), L.kick(), L.pop('0xb')]);
    render(<ImportView />);
    expect(screen.getByTestId('import-mid-run')).toBeTruthy();
    expect(screen.queryByTestId('import-fields-relative')).toBeNull();
    act(() => importStore.setState({ selected: 1 }));
    expect(screen.getByTestId('import-fields-relative')).toBeTruthy();
  });

  it('back to the simulation switches the view only', () => {
    load([L.kick(), ...readRequest('0xa', 0)]);
    render(<ImportView />);
    fireEvent.click(screen.getByRole('button', { name: 'Back to the simulation' }));
    expect(importStore.getState().view).toBe('simulation');
    expect(importStore.getState().imported).not.toBeNull();
  });

  it('ImportStatus: progress with a cancel button, then an error with its place', () => {
    importStore.setState({ progress: { file: 'big.log', bytes: 50, total: 100, lines: 7 } });
    const { rerender } = render(<ImportStatus />);
    expect(screen.getByRole('progressbar', { name: 'Reading big.log' })).toBeTruthy();
    importStore.setState({ progress: null, error: { file: 'x.bin', byte: 12, message: 'too short' } });
    rerender(<ImportStatus />);
    expect(screen.getByRole('alert').textContent).toContain('x.bin, byte 12');
  });
});

describe('a new import takes focus and is announced', () => {
  const announcer = () => screen.getByTestId('import-announcer');
  const heading = () => screen.getByRole('heading', { level: 2, name: /Real VM: QEMU trace/ });

  it('focus moves from <body> to the view’s heading, and a screen reader hears what arrived', () => {
    render(
      <>
        <ImportStatus />
        <ImportView />
      </>,
    );
    expect(announcer().textContent).toBe('');
    (document.activeElement as HTMLElement | null)?.blur();
    expect(document.activeElement).toBe(document.body);
    act(() => load([L.reset(), L.kick(), ...readRequest('0xa', 0)]));
    expect(document.activeElement).toBe(heading());
    expect(heading().tabIndex).toBe(-1);
    const imported = importStore.getState().imported!;
    const events = imported.kind === 'trace' ? imported.trace.events.length : -1;
    expect(announcer().textContent).toBe(
      `Imported the QEMU trace hand.log: ${events} events. The view shows the queue after the last one.`,
    );
    expect(announcer().getAttribute('aria-live')).toBe('polite');
  });

  it('coming back to the same import leaves focus on the control that switched to it', () => {
    const view = (shown: boolean) => (
      <>
        <ImportStatus />
        <button type="button">Show the import</button>
        {shown && <ImportView />}
      </>
    );
    const { rerender } = render(view(false));
    act(() => load([L.kick(), ...readRequest('0xa', 0)]));
    rerender(view(true));
    expect(document.activeElement).toBe(heading());
    rerender(view(false));
    const again = screen.getByRole('button', { name: 'Show the import' });
    again.focus();
    rerender(view(true));
    expect(document.activeElement).toBe(again);
  });

  it('focus the user put outside the main area stays there; the import is still announced', () => {
    const main = document.createElement('main');
    main.id = 'main';
    document.body.append(main);
    render(
      <>
        <button type="button">Lessons</button>
        <ImportStatus />
        <ImportView />
      </>,
    );
    const elsewhere = screen.getByRole('button', { name: 'Lessons' });
    elsewhere.focus();
    act(() => load([L.reset(), L.kick(), L.pop('0xa'), L.flush()]));
    expect(document.activeElement).toBe(elsewhere);
    expect(announcer().textContent).toMatch(
      /^Imported the QEMU trace hand\.log: \d+ events?\. .* Only part of it could be read: a note at the top of the view says why\.$/,
    );
    main.remove();
  });

  it('a trace that starts mid-run is announced as such', () => {
    render(
      <>
        <ImportStatus />
        <ImportView />
      </>,
    );
    act(() => load([L.kick(), ...readRequest('0xa', 0)]));
    expect(announcer().textContent).toMatch(/ It starts mid-run: the state before its first line is unknown/);
  });

  it('says it in the language on screen', async () => {
    await i18n.changeLanguage('zh-CN');
    await i18n.loadNamespaces(['import']);
    render(
      <>
        <ImportStatus />
        <ImportView />
      </>,
    );
    act(() => load([L.kick(), ...readRequest('0xa', 0)]));
    expect(announcer().textContent).toMatch(/^已导入 QEMU trace hand\.log：共 \d+ 个事件。/);
  });
});
