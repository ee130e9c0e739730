import i18next, { type i18n } from 'i18next';
import { describe, expect, it } from 'vitest';
import { Session } from '../../engine/session';
import { builtinScenario } from '../../engine/scenario/builtin';
import type { StepRecord } from '../../engine/step';
import { regionLabel } from '../derive/regionLabel';
import enApp from '../i18n/locales/en/app.json';
import enRings from '../i18n/locales/en/rings.json';
import en from '../i18n/locales/en/steps.json';
import zhApp from '../i18n/locales/zh-CN/app.json';
import zhRings from '../i18n/locales/zh-CN/rings.json';
import zh from '../i18n/locales/zh-CN/steps.json';
import { stepSentence, type Translator } from './stepSentence';

/** As the app sets i18next up: 'steps' for sentences, 'rings' for region names, 'app' for the note. */
function translator(lng: 'en' | 'zh-CN'): Translator {
  const i: i18n = i18next.createInstance();
  void i.init({
    lng,
    fallbackLng: 'en',
    ns: ['steps', 'rings', 'app'],
    defaultNS: 'steps',
    resources: {
      en: { steps: en, rings: enRings, app: enApp },
      'zh-CN': { steps: zh, rings: zhRings, app: zhApp },
    },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return {
    t: (k, p) => i.t(k, p),
    exists: (k) => i.exists(k),
    region: (r) => regionLabel(r, i.getFixedT(null, 'rings')),
  };
}

/** The record of the viewer's step n of single-read, seed 1. */
function stepOf(n: number): StepRecord {
  const s = new Session(builtinScenario('single-read')!, 1);
  s.jump(n);
  return s.current!;
}

describe('a step that stores what was there already', () => {
  it('single-read step 1 (an IN request at sector 0: all zeros into a zeroed out_hdr) says it writes 0 over 0', () => {
    const r = stepOf(1);
    expect(r.message.key).toBe('blk.outhdr');
    expect(r.writes.every((w) => w.old === w.new && /^0+$/.test(w.new))).toBe(true);
    expect(stepSentence(translator('en'), r)).toBe(
      'req 0 out_hdr: virtio_blk_outhdr written (type, ioprio, sector). It writes 0 over 0: that is what was there, ' +
        'so no value changes',
    );
    expect(stepSentence(translator('zh-CN'), r)).toBe(
      '请求 0 的请求头 out_hdr：写入 virtio_blk_outhdr（type、ioprio、sector）。用 0 覆盖 0：原来就是这个值，所以数值没有变化',
    );
  });

  it('a store that changes memory gets no note; nor does a step without stores', () => {
    const s = new Session(builtinScenario('single-read')!, 1);
    const en = translator('en');
    let changed = 0;
    let quiet = 0;
    while (s.stepOnce()) {
      const r = s.current!;
      const same = r.writes.length > 0 && r.writes.every((w) => w.old === w.new);
      const text = stepSentence(en, r);
      if (same) expect(text, `${s.step}`).toMatch(/\. It writes .* over .*: that is what was there/);
      else {
        expect(text, `${s.step}`).toBe(r.explain);
        if (r.writes.length > 0) changed++;
        else quiet++;
      }
    }
    expect(changed).toBeGreaterThan(5);
    expect(quiet).toBeGreaterThan(5);
  });

  it('several stores of the same bytes, not all zero, are said without a value', () => {
    const r = {
      ...stepOf(1),
      writes: [
        { addr: 0x2000, old: '0102', new: '0102' },
        { addr: 0x2008, old: '03', new: '03' },
      ],
    };
    expect(stepSentence(translator('en'), r)).toMatch(
      /\(type, ioprio, sector\)\. It writes the bytes that were there already, so no value changes$/,
    );
    expect(stepSentence(translator('zh-CN'), r)).toMatch(/。写入的字节与原有的完全相同，所以数值没有变化$/);
  });
});
