import { describe, expect, it } from 'vitest';
import { snapshotT } from './snapshotT.testutil';
import { parseSnapshotFiles } from '../../../import/snapshot/parseFiles';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import { vhostFiles } from '../../../import/snapshot/vhost.testutil';
import type { Disagreement } from '../../../import/snapshot';
import en from '../../i18n/locales/en/snapshot.json';
import { findDisagreements } from '../../../import/snapshot/disagreements';
import type { QueueElement, QueueStatus, SnapshotDesc } from '../../../import/snapshot/types';
import { VRING_DESC_F_INDIRECT } from '../../../virtio/constants';
import { disagreementCells, disagreementTip } from './disagreementCells';

const tIn = snapshotT;

/** The real samples edited as QEMU answers for a vhost device: the note that says what is not reported. */
function vhostDisagreements(): readonly Disagreement[] {
  return (['outside-vhost', 'vhost-queue'] as const).flatMap((c) => {
    const r = parseSnapshotFiles(vhostFiles('snap02', c));
    if (!r.ok) throw new Error(r.problem.message);
    return r.value.disagreements;
  });
}

function disagreementsOf(snap: 'snap00' | 'snap02'): readonly Disagreement[] {
  const r = parseSnapshotFiles(sampleFiles(snap));
  if (!r.ok) throw new Error(r.problem.message);
  return r.value.disagreements;
}

const ENGLISH = /avail position|in flight|head \d/;

describe('disagreementCells', () => {
  const all = [...disagreementsOf('snap00'), ...disagreementsOf('snap02')];

  it("English shows the importer's own cells", () => {
    const t = tIn('en');
    expect(all.length).toBeGreaterThan(1);
    for (const d of all)
      expect(disagreementCells(d, t)).toEqual({ field: d.field, reported: d.reported, actual: d.actual });
  });

  it('Chinese translates the stale element of snap00: position, head and the window', () => {
    const stale = disagreementsOf('snap00').find((d) => d.kind === 'element-stale')!;
    expect(disagreementCells(stale, tIn('zh-CN'))).toEqual({
      field: '可用环位置 456',
      reported: '链头 2',
      actual: '环中没有处理中的请求（used.idx = avail.idx = 456）',
    });
  });

  it('Chinese leaves no English phrase in any cell of the samples or of a late element query', () => {
    const late: Disagreement = {
      kind: 'element-late',
      field: 'avail position 12',
      reported: 'used.idx 14',
      actual: 'in flight at the dump',
      message: '',
    };
    const t = tIn('zh-CN');
    expect(disagreementCells(late, t)).toEqual({
      field: '可用环位置 12',
      reported: 'used.idx 14',
      actual: '转储时仍在处理中',
    });
    for (const d of [...all, late]) {
      const c = disagreementCells(d, t);
      for (const text of [c.field, c.reported, c.actual]) expect(text, d.kind).not.toMatch(ENGLISH);
    }
  });
});

/**
 * A made-up snapshot of a queue of 8 where everything disagrees: the status with the bytes, the two status
 * queries, and element queries of every kind (one about no avail position). Between it and the samples, every tip.
 */
function everyKind(idle = false): readonly Disagreement[] {
  const status: QueueStatus = {
    name: 'virtio-blk',
    queue_index: 0,
    inuse: 5,
    vring: { num: 8, num_default: 8, align: 4096, desc: 0x1000, avail: 0x1080, used: 0x10c0 },
    last_avail_idx: 30,
    shadow_avail_idx: 11,
    used_idx: 9,
    signalled_used: 9,
    signalled_used_valid: true,
    vhost: false,
  };
  const desc: SnapshotDesc[] = Array.from({ length: 8 }, (_, index) => ({
    index,
    addr: 0x2000n,
    len: index === 3 ? 48 : 512,
    flags: index === 3 ? VRING_DESC_F_INDIRECT : 0,
    next: 0,
    head: null,
    availPos: null,
  }));
  const element = (availPos: number | null, index: number, avail: number, used: number, descs = 1): QueueElement => ({
    availPos,
    index,
    descs: Array.from({ length: descs }, () => ({ addr: 0x3000n, len: 512, flags: [] })),
    chain: [],
    avail: { flags: 0, idx: avail, ring: 0 },
    used: { flags: 0, idx: used },
  });
  return findDisagreements({
    status,
    statusAfter: null,
    size: 8,
    desc,
    avail: { flags: 0, idx: 12, ring: [0, 1, 2, 3, 4, 5, 6, 7], used_event: 0 },
    used: { flags: 0, idx: idle ? 12 : 10, ring: [], avail_event: 0 },
    elements: idle
      ? [element(12, 4, 12, 12)] // nothing in flight at all, no impossible address
      : [
          element(10, 5, 12, 10), // head 5, but avail.ring[2] holds 2
          element(12, 4, 12, 10), // not in flight, no impossible address
          element(11, 3, 13, 11, 2), // late, reads a later avail.idx and used.idx, lists 2 of the 3 indirect entries
          element(null, 0, 12, 10),
        ],
  });
}

describe('disagreementTip (the row tooltip)', () => {
  const all = [
    ...disagreementsOf('snap00'),
    ...disagreementsOf('snap02'),
    ...everyKind(),
    ...everyKind(true),
    ...vhostDisagreements(),
  ];

  it('covers every sentence the importer has', () => {
    const keys = new Set(all.map((d) => d.tip?.key));
    expect([...keys].sort()).toEqual(Object.keys(en.disagree.tip).sort());
    expect(all.some((d) => d.tip && d.tip.params.pos === undefined)).toBe(true);
  });

  it("English is the importer's own sentence, word for word", () => {
    const t = tIn('en');
    for (const d of all) expect(disagreementTip(d, t), d.kind).toBe(d.message);
  });

  it('Chinese translates every sentence and fills in every value', () => {
    const t = tIn('zh-CN');
    for (const d of all) {
      const text = disagreementTip(d, t);
      expect(text, d.message).toMatch(/\p{Script=Han}/u);
      expect(text, d.message).not.toMatch(/\{\{|\}\}|the element query|in memory|the dump|avail position/);
    }
    const stale = disagreementsOf('snap00').find((d) => d.kind === 'element-stale')!;
    expect(disagreementTip(stale, t)).toBe(
      '可用环位置 456 的元素查询不是未完成的请求：环中没有处理中的请求（used.idx 与 avail.idx 都是 456）：它的链只是那块内存此刻的内容，例如不可能的地址 0xf221496b55e7f47d',
    );
    const late = disagreementsOf('snap02').find((d) => d.kind === 'element-late')!;
    const { pos, reached } = late.tip!.params;
    expect(late.message).toBe(
      `the element query at avail position ${pos} ran after used.idx had reached ${reached}, past this position: the request may have completed, and its chain may already be reused`,
    );
    expect(disagreementTip(late, t)).toBe(
      `可用环位置 ${pos} 的元素查询在 used.idx 已到 ${reached}、越过此位置之后才执行：该请求可能已完成，它的链可能已被重用`,
    );
    const idle = everyKind(true).find((d) => d.kind === 'element-stale')!;
    expect(disagreementCells(idle, t).actual).toBe('环中没有处理中的请求（used.idx = avail.idx = 12）');
    expect(disagreementCells(idle, tIn('en')).actual).toBe('no request in flight (used.idx = avail.idx = 12)');
    const head = everyKind().find((d) => d.kind === 'element-head')!;
    expect(disagreementTip(head, t)).toBe('可用环位置 10 的元素查询得到链头 5；内存中的 avail.ring[2] 为 2');
  });

  it("falls back to the importer's English where a disagreement has no tip", () => {
    const bare: Disagreement = { ...everyKind()[0]! };
    delete bare.tip;
    expect(disagreementTip(bare, tIn('zh-CN'))).toBe(bare.message);
  });
});
