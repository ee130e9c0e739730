import { describe, expect, it } from 'vitest';
import type { Region } from '../../virtio/allocationMap';
import { guestAddr } from '../../virtio/types';
import { ringsI18n } from '../components/testing/i18n';
import { session, stepUntil } from '../components/testing/fixtures';
import { regionLabel, regionLabeller } from './regionLabel';

const en = ringsI18n('en').getFixedT('en', 'rings');
const zh = ringsI18n('zh-CN').getFixedT('zh-CN', 'rings');

/** Every region a real run of the scenario shows once it has requests' buffers (and indirect tables) allocated. */
function regionsOf(name: string, kind: Region['kind'] = 'status-byte'): readonly Region[] {
  const s = session(name);
  return stepUntil(s, (st) => st.view.regions.some((r) => r.kind === kind)).view.regions;
}

describe('regionLabel', () => {
  for (const name of ['single-read', 'indirect', 'two-queues-one-iothread']) {
    it(`${name}: English rebuilds the engine's own label for every region`, () => {
      const regions = regionsOf(name, name === 'indirect' ? 'indirect-table' : 'status-byte');
      expect(regions.length).toBeGreaterThan(4);
      for (const r of regions) expect(regionLabel(r, en)).toBe(r.label);
    });
  }

  it('Chinese names every ring part, request buffer and the ring padding', () => {
    const regions = [...regionsOf('single-read'), ...regionsOf('indirect', 'indirect-table')];
    const kinds = new Set(regions.map((r) => r.kind));
    for (const k of [
      'desc-table',
      'avail-ring',
      'used-ring',
      'indirect-table',
      'blk-header',
      'data-buffer',
      'status-byte',
    ])
      expect(kinds.has(k as Region['kind']), k).toBe(true);
    for (const r of regions)
      expect(regionLabel(r, zh), r.label).not.toMatch(/descriptor|ring|req |data|status|padding/);
    const byLabel = new Map(regions.map((r) => [r.label, regionLabel(r, zh)]));
    expect(byLabel.get('vq0 descriptor table')).toBe('vq0 描述符表');
    expect(byLabel.get('vq0 available ring')).toBe('vq0 可用环');
    expect(byLabel.get('vq0 used ring')).toBe('vq0 已用环');
    expect(byLabel.get('vq0 indirect table')).toBe('vq0 间接描述符表');
    expect(byLabel.get('req 0 out_hdr')).toBe('请求 0 的请求头 out_hdr');
    expect(byLabel.get('req 0 data')).toBe('请求 0 的数据缓冲区');
    expect(byLabel.get('req 0 status')).toBe('请求 0 的状态字节');
    expect(byLabel.get('vq0 ring padding (used ring cache-line aligned)')).toBe('vq0 环填充（已用环按缓存行对齐）');
  });

  it("keeps the engine's label where it cannot name the region", () => {
    const other: Region = { start: guestAddr(0), size: 8, kind: 'other', label: 'firmware scratch' };
    const noQueue: Region = { start: guestAddr(0), size: 16, kind: 'desc-table', label: 'a table of its own' };
    const oddData: Region = { start: guestAddr(0), size: 512, kind: 'data-buffer', label: 'req 4 mystery', owner: 4 };
    for (const r of [other, noQueue, oddData]) expect(regionLabel(r, zh)).toBe(r.label);
    const getId: Region = { start: guestAddr(0), size: 20, kind: 'data-buffer', label: 'req 2 id', owner: 2, queue: 0 };
    expect(regionLabel(getId, en)).toBe('req 2 id');
    expect(regionLabel(getId, zh)).toBe('请求 2 的设备 ID 缓冲区');
  });

  it('the labeller answers from its cache for the same region', () => {
    let calls = 0;
    const counting = ((...args: Parameters<typeof en>) => {
      calls++;
      return en(...args);
    }) as typeof en;
    const label = regionLabeller(counting);
    const r: Region = { start: guestAddr(0), size: 1, kind: 'status-byte', label: 'req 1 status', owner: 1, queue: 0 };
    expect(label(r)).toBe('req 1 status');
    const after = calls;
    expect(label(r)).toBe('req 1 status');
    expect(calls).toBe(after);
  });
});
