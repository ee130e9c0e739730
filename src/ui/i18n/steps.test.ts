import { describe, expect, it } from 'vitest';
import { STEP_TEMPLATES, type StepMessageKey } from '../../engine/messages';
import en from './locales/en/steps.json';
import zh from './locales/zh-CN/steps.json';

type Tree = { [k: string]: string | Tree };

/** The translation file as dotted keys, the way i18next looks them up. */
function flatten(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}

const KEYS = Object.keys(STEP_TEMPLATES) as StepMessageKey[];
const files = { en: flatten(en), 'zh-CN': flatten(zh) };

/** Sentences made only of identifiers and numbers: nothing in them to translate (only the punctuation). */
const IDENTIFIERS_ONLY = new Set<StepMessageKey>([
  'avail.flags',
  'avail.flagsNoInterrupt',
  'used.flags',
  'used.flagsNoNotify',
  'used.ringId',
  'used.ringLen',
  'blk.status',
  'withFault',
]);

describe("the 'steps' namespace", () => {
  for (const [lng, file] of Object.entries(files)) {
    it(`${lng} has every key the engine's STEP_TEMPLATES has, and no other`, () => {
      expect(
        KEYS.filter((k) => !file.has(k)),
        `missing in ${lng}/steps.json`,
      ).toEqual([]);
      expect(
        [...file.keys()].filter((k) => !(k in STEP_TEMPLATES)),
        `not an engine key`,
      ).toEqual([]);
    });
  }

  it("English is the engine's English, word for word (the CLI and the page say the same)", () => {
    for (const k of KEYS) expect(files.en.get(k), k).toBe(STEP_TEMPLATES[k]);
  });

  it('Chinese is translated, not copied, except sentences made only of identifiers', () => {
    const untranslated = KEYS.filter(
      (k) => !IDENTIFIERS_ONLY.has(k) && !/\p{Script=Han}/u.test(files['zh-CN'].get(k) ?? ''),
    );
    expect(untranslated).toEqual([]);
  });
});
