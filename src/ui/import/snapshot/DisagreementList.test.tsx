// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { I18nextProvider } from 'react-i18next';
import i18n from '../../i18n';
import { parseSnapshotFiles, type Disagreement } from '../../../import/snapshot';
import { sampleFiles } from '../../../import/snapshot/samples.testutil';
import { DisagreementList } from './DisagreementList';

afterEach(cleanup);
afterAll(() => i18n.changeLanguage('en'));

const list = (): readonly Disagreement[] => {
  const r = parseSnapshotFiles(sampleFiles('snap00'));
  if (!r.ok) throw new Error(r.problem.message);
  return r.value.disagreements;
};

async function rowTitle(lng: 'en' | 'zh-CN'): Promise<string | null> {
  await i18n.changeLanguage(lng);
  // The view's texts are fetched with the view in the app; here they are loaded up front.
  await i18n.loadNamespaces('snapshot');
  render(
    <I18nextProvider i18n={i18n}>
      <DisagreementList list={list()} />
    </I18nextProvider>,
  );
  const row = screen.getByTestId('disagreements').querySelector('tbody tr');
  return row?.getAttribute('title') ?? null;
}

describe('DisagreementList', () => {
  it("a row's tooltip is the importer's sentence in English", async () => {
    expect(await rowTitle('en')).toBe(list()[0]!.message);
  });

  it("a row's tooltip is Chinese in Chinese", async () => {
    expect(await rowTitle('zh-CN')).toBe(
      '可用环位置 456 的元素查询不是未完成的请求：环中没有处理中的请求（used.idx 与 avail.idx 都是 456）：它的链只是那块内存此刻的内容，例如不可能的地址 0xf221496b55e7f47d',
    );
  });
});
