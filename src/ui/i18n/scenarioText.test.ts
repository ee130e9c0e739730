import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import enApp from './locales/en/app.json';
import zhApp from './locales/zh-CN/app.json';
import { scenarioDescription, scenarioTitle } from './scenarioText';

const LOCALES = { en: enApp, 'zh-CN': zhApp } as const;

async function tIn(lng: 'en' | 'zh-CN') {
  const i = i18next.createInstance();
  await i.init({
    lng,
    fallbackLng: 'en',
    resources: { en: { app: enApp }, 'zh-CN': { app: zhApp } },
    defaultNS: 'app',
    interpolation: { escapeValue: false },
  });
  return i.getFixedT(lng, 'app');
}

describe('scenario texts', () => {
  for (const [lng, app] of Object.entries(LOCALES)) {
    it(`${lng}: every built-in scenario has a title and a description, and nothing else is listed`, () => {
      const names = BUILTIN_SCENARIOS.map((s) => s.name).sort();
      const titles = app.scenarios as Record<string, string>;
      const descriptions = app.scenarioDescriptions as Record<string, string>;
      expect(Object.keys(titles).sort()).toEqual(names);
      expect(Object.keys(descriptions).sort()).toEqual(names);
      for (const name of names) expect(descriptions[name]?.trim(), name).toBeTruthy();
    });
  }

  it("English descriptions are the scenario documents' own text (a changed document must change them too)", () => {
    const descriptions = enApp.scenarioDescriptions as Record<string, string>;
    for (const s of BUILTIN_SCENARIOS) expect(descriptions[s.name], s.name).toBe(s.description);
  });

  it('Chinese descriptions keep the identifiers and numbers of the English ones', () => {
    const en = enApp.scenarioDescriptions as Record<string, string>;
    const zh = zhApp.scenarioDescriptions as Record<string, string>;
    const tokens = (text: string) =>
      [...text.matchAll(/\b(?:[a-z]+_[a-z_]+|[A-Z][A-Z0-9]*_[A-Z0-9_]+|vring_need_event|virtio_wmb)\b/g)]
        .map((m) => m[0])
        .sort();
    for (const name of Object.keys(en)) expect(tokens(zh[name]!), name).toEqual(tokens(en[name]!));
  });

  it('a built-in scenario gets its translated title and description; a custom one keeps its own', async () => {
    const zh = await tIn('zh-CN');
    const oneRead = BUILTIN_SCENARIOS.find((s) => s.name === 'lesson-one-read')!;
    expect(scenarioTitle(zh, 'lesson-one-read')).toBe('一次 read() 的旅程');
    expect(scenarioTitle(zh, oneRead)).toBe('一次 read() 的旅程');
    expect(scenarioDescription(zh, oneRead)).toMatch(/^一次 4 KiB 的读取/);
    const mine = { name: 'lesson-one-read', title: 'My own', description: 'Mine, in English.' };
    expect(scenarioTitle(zh, mine, true)).toBe('My own');
    expect(scenarioDescription(zh, mine, true)).toBe('Mine, in English.');
    const unknown = { name: 'not-built-in', title: 'Not built in', description: 'Its own words.' };
    expect(scenarioDescription(zh, unknown)).toBe('Its own words.');
    expect(scenarioTitle(zh, 'not-built-in')).toBe('not-built-in');
    const en = await tIn('en');
    expect(scenarioTitle(en, 'lesson-one-read')).toBe(oneRead.title);
    expect(scenarioDescription(en, oneRead)).toBe(oneRead.description);
  });
});
