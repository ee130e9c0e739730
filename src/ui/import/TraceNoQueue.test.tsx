// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import i18n from '../i18n';
import { parseTrace } from '../../import/trace/parser';
import { QEMU_SAMPLES } from '../../testing/samples';
import { ImportView } from './ImportView';
import { importStore } from './importStore';

const SAMPLE_LINES = readFileSync(`${QEMU_SAMPLES}/trace-default.log`, 'utf8').trimEnd().split('\n');
const cut = (from: number, to: number) => SAMPLE_LINES.slice(from - 1, to);
/** The same lines as a second virtio-blk device would log them (every QEMU pointer moved). */
const secondDevice = (lines: string[]) => lines.map((l) => l.replaceAll('0x561c1b', '0x561c2b'));

const load = (lines: string[]) => {
  const r = parseTrace({ name: 'mid.log', text: lines.join('\n') + '\n' });
  if (!r.ok || r.partial) throw new Error(r.problem.message);
  importStore.setState({
    imported: { kind: 'trace', trace: r.value, problem: null },
    view: 'import',
    selected: r.value.events.length - 1,
    queue: 0,
    error: null,
    progress: null,
  });
  return r.value;
};

beforeAll(() => i18n.loadNamespaces(['import', 'snapshot']));
beforeEach(() => void i18n.changeLanguage('en'));
afterEach(() => {
  cleanup();
  importStore.setState({ imported: null, view: 'simulation', error: null, progress: null });
});

/** Device A from its reset, serving requests; device B cut at line 1500: a write begun before, not yet filled. */
const twoDevices = () => [...cut(24, 29), ...cut(1505, 1530), ...secondDevice(cut(1500, 1502))];

describe('TraceView: requests on no known queue', () => {
  it('lists them in their own group under Requests, with what the trace said of them', () => {
    load(twoDevices());
    render(<ImportView />);
    const group = screen.getByRole('region', { name: 'On no known queue: 1 request' });
    expect(group.getAttribute('data-testid')).toBe('requests-no-queue');
    const table = within(group).getByRole('table', { name: 'On no known queue: 1 request' });
    const cells = within(table).getAllByRole('row')[1]!.querySelectorAll('td');
    const text = [...cells].map((c) => c.textContent);
    // queue, type (begun before the trace), sector, nsectors, segments, status, stage, latency.
    expect(text.slice(1, 9)).toEqual([
      'not known',
      'write (begun before the trace)',
      '12288',
      '64',
      '–',
      'OK',
      'completed',
      '–',
    ]);
    // It can be scrolled by a keyboard, under a name of its own.
    expect(screen.getByRole('region', { name: 'Request rows on no known queue' }).tabIndex).toBe(0);
    // A's own requests stay in the queue's list.
    const mine = screen.getByRole('table', { name: /^Requests/ });
    expect(within(mine).getAllByRole('row').length).toBeGreaterThan(1);
    expect(within(mine).queryByText('not known')).toBeNull();
  });

  it('the latency panel says which requests are not in its chart, and why', () => {
    load(twoDevices());
    render(<ImportView />);
    expect(screen.getByTestId('latency-median').textContent).toMatch(/µs/);
    expect(screen.getByTestId('latency-left-out').textContent).toBe(
      'Not in any queue’s chart: 1 request on no known queue, begun before the trace (listed under Requests).',
    );
  });

  it('a trace that names no queue at all still shows its request', () => {
    load(cut(1500, 1502));
    render(<ImportView />);
    expect(screen.getByText('No request popped yet on this queue.')).toBeTruthy();
    expect(within(screen.getByTestId('requests-no-queue')).getAllByRole('row')).toHaveLength(2);
  });

  it('begun before the trace on a known queue: counted as left out of that queue’s chart', () => {
    load(cut(1500, 1530));
    render(<ImportView />);
    expect(screen.queryByTestId('requests-no-queue')).toBeNull();
    expect(screen.getByTestId('latency-left-out').textContent).toBe(
      'Not in the chart: 1 request on this queue began before the trace, so its pop (where a latency starts) is not in it.',
    );
  });

  it('a whole trace has neither note', () => {
    load(cut(24, 60));
    render(<ImportView />);
    expect(screen.queryByTestId('requests-no-queue')).toBeNull();
    expect(screen.queryByTestId('latency-left-out')).toBeNull();
  });

  it('says it in Chinese too', async () => {
    await i18n.changeLanguage('zh-CN');
    load(twoDevices());
    render(<ImportView />);
    expect(screen.getByRole('region', { name: '队列未知：1 个请求' })).toBeTruthy();
    expect(screen.getByTestId('latency-left-out').textContent).toBe(
      '未计入任何队列的图表：1 个不知属于哪个队列的请求，在 trace 开始前已开始（列在“请求”下）。',
    );
    expect(within(screen.getByTestId('requests-no-queue')).getByText('未知')).toBeTruthy();
  });
});
