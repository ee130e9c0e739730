// @vitest-environment jsdom
import { cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { builtinScenario } from '../../engine/scenario/builtin';
import { session, stepUntil } from '../components/testing/fixtures';
import i18n from '../i18n';
import { simStore } from '../store';
import { useDiagramSvg } from './useDiagramSvg';

afterEach(cleanup);
afterAll(() => i18n.changeLanguage('en'));

const wrapper = ({ children }: { children: ReactNode }) => <I18nextProvider i18n={i18n}>{children}</I18nextProvider>;

/** The slide SVG of single-read at its out_hdr store, in `lng`, with the store's scenario as `custom` says. */
async function svgIn(lng: 'en' | 'zh-CN', custom = false): Promise<string> {
  await i18n.changeLanguage(lng);
  await i18n.loadNamespaces(['app', 'rings', 'steps', 'share']);
  const scenario = builtinScenario('single-read')!;
  const edited = { ...scenario, title: 'My own read' };
  const sim = stepUntil(session('single-read'), (st) => st.current?.message.key === 'blk.outhdr');
  simStore.setState({
    sim,
    queueIndex: 0,
    scenarioName: 'single-read',
    scenario: custom ? edited : scenario,
    custom: custom ? edited : null,
  });
  const { result } = renderHook(() => useDiagramSvg(), { wrapper });
  const svg = await result.current();
  expect(svg).not.toBeNull();
  return svg!;
}

describe('useDiagramSvg', () => {
  it("titles a built-in scenario in the page's language and names the step's region as the memory map does", async () => {
    const zh = await svgIn('zh-CN');
    expect(zh).toContain('一次 4 KiB 读取');
    expect(zh).toContain('请求 0 的请求头 out_hdr：写入 virtio_blk_outhdr');
    const en = await svgIn('en');
    expect(en).toContain(builtinScenario('single-read')!.title);
    expect(en).toContain('req 0 out_hdr: virtio_blk_outhdr written');
  });

  it("keeps a custom scenario's own title in every language", async () => {
    expect(await svgIn('zh-CN', true)).toContain('My own read');
  });
});
