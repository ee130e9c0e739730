import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { parseSnapshotFiles } from '../../../import/snapshot/parseFiles';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import type { Disagreement } from '../../../import/snapshot';
import en from '../../i18n/locales/en/snapshot.json';
import zh from '../../i18n/locales/zh-CN/snapshot.json';
import { disagreementCells } from './disagreementCells';

function tIn(lng: 'en' | 'zh-CN') {
  const i = i18next.createInstance();
  void i.init({
    lng,
    fallbackLng: 'en',
    resources: { en: { snapshot: en }, 'zh-CN': { snapshot: zh } },
    defaultNS: 'snapshot',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return i.getFixedT(lng, 'snapshot');
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
      actual: '不在处理中（456..456）',
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
