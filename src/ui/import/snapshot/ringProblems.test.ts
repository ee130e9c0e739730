import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { snapshotT } from './snapshotT.testutil';
import { snap02With } from '../../../import/snapshot/samples.testutil';
import { snapshotSummary } from '../../../import/snapshot/summary';
import { VRING_DESC_F_NEXT } from '../../../virtio/constants';
import { ringProblems, type RingProblem } from '../../../import/snapshot/problems';
import { chainProblemText, ringProblemText } from './ringProblems';

const tIn = snapshotT;

const N = VRING_DESC_F_NEXT;
/**
 * Every chain problem: a loop at 808 (head 50), slot 41 (809) given the head of slot 44 (812), which is then
 * offered twice, a head past the table at 810 and a next past the table at 811.
 */
const broken = () =>
  snap02With((desc, avail) => {
    desc.setUint16(50 * 16 + 12, N, true);
    desc.setUint16(50 * 16 + 14, 50, true);
    avail.setUint16(4 + 2 * 41, avail.getUint16(4 + 2 * 44, true), true);
    avail.setUint16(4 + 2 * 42, 999, true);
    const h = avail.getUint16(4 + 2 * 43, true);
    desc.setUint16(h * 16 + 12, N, true);
    desc.setUint16(h * 16 + 14, 4000, true);
  });
const line = (p: RingProblem, t: TFunction<'snapshot'>) => {
  const { text, check } = ringProblemText(p, t);
  return check ? `${text} | ${check}` : text;
};

describe('ringProblems', () => {
  it('a healthy sample has none', () => {
    expect(ringProblems(snap02With(() => {}))).toEqual([]);
  });

  it('lists each broken chain oldest first, as the CLI does', () => {
    const s = broken();
    const list = ringProblems(s);
    expect(list.map((p) => (p.kind === 'chain' ? p.pos : p.kind))).toEqual([808, 810, 811, 812]);
    expect(list.length).toBe((snapshotSummary(s) as { problems: string[] }).problems.length);
  });

  it('puts more in flight than the ring has entries first', () => {
    const s = snap02With((_desc, avail) => avail.setUint16(2, 808 + 300, true));
    const list = ringProblems(s);
    expect(list[0]).toEqual({ kind: 'tooMany', avail: 1108, used: 808, inFlight: 300, size: 256 });
    expect(line(list[0]!, tIn('en'))).toBe(
      'avail.idx 1108 is 300 ahead of used.idx 808: more requests in flight than the ring has entries (256). Only the first 256 are listed.',
    );
    expect(line(list[0]!, tIn('zh-CN'))).toBe(
      'avail.idx 1108 比 used.idx 808 超前 300：处理中的请求多于环的条目数（256）。只列出前 256 个。',
    );
  });

  it("English says what broke; QEMU's function and its own words where QEMU checks", () => {
    const t = tIn('en');
    const lines = ringProblems(broken()).map((p) => line(p, t));
    expect(lines[0]).toBe(
      'avail position 808 (slot 40, head 50): the chain loops: descriptor 50 links back to 50, already in this chain' +
        " | QEMU's virtqueue_split_pop() would refuse it: “Looped descriptor”",
    );
    expect(lines[1]).toBe(
      'avail position 810 (slot 42, head 999): head 999 is past the descriptor table (256 entries)' +
        " | QEMU's virtqueue_get_head() would refuse it: “Guest says index 999 is available”",
    );
    expect(lines[2]).toMatch(
      /^avail position 811 \(slot 43, head \d+\): descriptor \d+'s next is 4000, past the descriptor table \(256 entries\) \| QEMU's virtqueue_split_read_next_desc\(\) would refuse it: “Desc next is 4000”$/,
    );
    expect(lines[3]).toMatch(
      /^avail position 812 \(slot 44, head \d+\): descriptor \d+ is also in the chain at avail position 809: offered again while still outstanding \| Neither QEMU nor Linux checks this\.$/,
    );
  });

  it("Chinese translates every line and keeps QEMU's own words in English", () => {
    const t = tIn('zh-CN');
    const lines = ringProblems(broken()).map((p) => line(p, t));
    for (const l of lines) {
      expect(l).toMatch(/\p{Script=Han}/u);
      expect(l).not.toMatch(/\{\{|avail position|the chain|descriptor table|in flight|refuse|checks/);
    }
    expect(lines[0]).toBe(
      '可用环位置 808（槽位 40，头 50）：链成环：描述符 50 指回本链中已有的 50 | QEMU 的 virtqueue_split_pop() 会拒绝它：“Looped descriptor”',
    );
  });

  it("falls back to the importer's English message where a problem has no tip", () => {
    const text = chainProblemText(
      { where: 'virtqueue_get_head', message: 'Guest says index 9 is available' },
      tIn('zh-CN'),
    );
    expect(text).toEqual({
      what: 'Guest says index 9 is available',
      check: 'QEMU 的 virtqueue_get_head() 会拒绝它：“Guest says index 9 is available”',
    });
  });
});
