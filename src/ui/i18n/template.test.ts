import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import enRings from './locales/en/rings.json';
import zhRings from './locales/zh-CN/rings.json';
import { compileTemplate } from './template';

async function translator(lng: string) {
  const i18n = createInstance();
  await i18n.init({
    lng,
    resources: { en: { rings: enRings }, 'zh-CN': { rings: zhRings } },
    ns: ['rings'],
    defaultNS: 'rings',
    interpolation: { escapeValue: false },
  });
  return i18n.getFixedT(lng, 'rings');
}

describe('compileTemplate', () => {
  for (const lng of ['en', 'zh-CN']) {
    it(`fills ${lng}'s slot label, used element and len exactly as t() does`, async () => {
      const t = await translator(lng);
      const label = compileTemplate(t, 'ring.slotLabel', ['slot', 'value', 'state']);
      const elem = compileTemplate(t, 'used.elemText', ['id', 'len']);
      const len = compileTemplate(t, 'used.len', ['len']);
      for (const [slot, value, state] of [
        [0, '0', 'old entry'],
        [1023, 'id 7, len 4097', '{{state}}'],
        [5, '$& $1 \u00a0', ''],
      ] as const) {
        expect(label({ slot, value, state })).toBe(t('ring.slotLabel', { slot, value, state }));
      }
      for (const [id, l] of [
        [0, 0],
        [65535, 4294967295],
      ]) {
        expect(elem({ id: id!, len: l! })).toBe(t('used.elemText', { id, len: l }));
        expect(len({ len: l! })).toBe(t('used.len', { len: l }));
      }
    });
  }

  it('keeps a value used twice and text without variables', () => {
    const t = (_key: string, o?: Record<string, unknown>) => `${String(o?.a)}-${String(o?.a)}/${String(o?.b)}!`;
    expect(compileTemplate(t, 'k', ['a', 'b'])({ a: 1, b: 'x' })).toBe('1-1/x!');
    expect(compileTemplate(() => 'plain', 'k', [])({})).toBe('plain');
  });
});
