import { describe, expect, it } from 'vitest';
import i18n, { changeLanguage, FIRST_SCREEN_NAMESPACES, i18nReady, NAMESPACES } from './index';

describe('translations loaded when needed', () => {
  it('the page carries the first screen in English; the other namespaces are not loaded yet', async () => {
    await i18nReady;
    for (const ns of FIRST_SCREEN_NAMESPACES) expect(i18n.hasResourceBundle('en', ns), ns).toBe(true);
    const later = NAMESPACES.filter((ns) => !(FIRST_SCREEN_NAMESPACES as readonly string[]).includes(ns));
    expect(later).toEqual(['lessons', 'snapshot', 'pseudocode']);
    for (const ns of later) expect(i18n.hasResourceBundle('en', ns), ns).toBe(false);
    expect(i18n.hasResourceBundle('zh-CN', 'app')).toBe(false);
  });

  it('a view’s namespace is fetched with the view, and a language switch fetches what is in use', async () => {
    await i18n.loadNamespaces('lessons');
    expect(i18n.t('lessons:ui.pick')).toBe('Choose a lesson');
    await changeLanguage('zh-CN');
    expect(i18n.t('app:views.lessons')).toBe('课程');
    expect(i18n.t('lessons:ui.pick')).toBe('选择一门课程');
    expect(i18n.t('rings:ring.noFlags')).toBe('无标志');
    expect(i18n.hasResourceBundle('zh-CN', 'snapshot')).toBe(false);
    await changeLanguage('en');
    expect(i18n.t('app:views.lessons')).toBe('Lessons');
  });
});
