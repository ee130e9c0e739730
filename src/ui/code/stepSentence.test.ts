import i18next, { type i18n } from 'i18next';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../engine/machine/machine';
import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import type { StepRecord } from '../../engine/step';
import en from '../i18n/locales/en/steps.json';
import zh from '../i18n/locales/zh-CN/steps.json';
import { stepSentence, type Translator } from './stepSentence';

/** An i18next set up as the app's (src/ui/i18n/index.ts) for the 'steps' namespace. */
function steps(lng: 'en' | 'zh-CN'): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng,
    fallbackLng: 'en',
    ns: ['steps'],
    defaultNS: 'steps',
    resources: { en: { steps: en }, 'zh-CN': { steps: zh } },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}

const translator = (i: i18n): Translator => ({ t: (k, p) => i.t(k, p), exists: (k) => i.exists(k) });

function records(name: string, limit = 2000): StepRecord[] {
  const m = new Machine({ scenario: BUILTIN_SCENARIOS.find((s) => s.name === name)!, seed: 1 });
  const out: StepRecord[] = [];
  m.onStep = (r) => out.push(r);
  while (out.length < limit && m.stepOnce()) {
    /* stepping */
  }
  return out;
}

// Between them: every kind of store and barrier, kicks and interrupts, a device error, the missing-barrier fault.
const SCENARIOS = [
  'single-read',
  'write-batch-flags',
  'indirect',
  'bad-guest-looped-chain',
  'bad-guest-missing-barrier',
];
const all = SCENARIOS.flatMap((n) => records(n));

describe('stepSentence', () => {
  it("in English, i18next renders exactly the engine's explanation, faults included", () => {
    const tr = translator(steps('en'));
    expect(all.some((r) => r.fault)).toBe(true);
    for (const r of all) expect(stepSentence(tr, r), `${r.index} ${r.message.key}`).toBe(r.explain);
  });

  it('in Chinese, every sentence is translated and fully filled in', () => {
    const tr = translator(steps('zh-CN'));
    for (const r of all) {
      const text = stepSentence(tr, r);
      expect(text, r.message.key).not.toMatch(/\{\{|\}\}/);
    }
    // Only sentences made of identifiers alone read the same in both languages.
    const same = new Set(all.filter((r) => stepSentence(tr, r) === r.explain).map((r) => r.message.key));
    expect([...same].filter((k) => !/^(avail|used)\.(flags|ringId|ringLen)$/.test(k))).toEqual([]);
    const publish = all.find((r) => r.fault?.key === 'fault.missingBarrier.publish')!;
    expect(stepSentence(tr, publish)).toMatch(/^vq0 avail\.idx = 2：驱动发布.*。故障：缺少 virtio_wmb/);
  });

  it("keeps QEMU's own wording of a device error, quoted inside a Chinese sentence", () => {
    const error = all.find((r) => r.message.key === 'device.error')!;
    expect(stepSentence(translator(steps('zh-CN')), error)).toBe(
      `设备错误：“${error.message.params.message}”（virtio 规范 §${error.message.params.spec}）`,
    );
    expect(error.message.params.message).toBe('Looped descriptor');
  });

  it("falls back to the engine's English when the translations lack a key", () => {
    const tr = translator(steps('zh-CN'));
    const r = all[0]!;
    const unknown = { ...r, message: { key: 'nope.unknown', params: {} } } as unknown as StepRecord;
    expect(stepSentence(tr, unknown)).toBe(r.explain);
    const badFault = { ...r, fault: { key: 'nope.unknown', params: {} } } as unknown as StepRecord;
    expect(stepSentence(tr, badFault)).toBe(r.explain);
  });
});
