import i18next, { type i18n } from 'i18next';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../engine/machine/machine';
import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import type { StepRecord } from '../../engine/step';
import { regionLabel } from '../derive/regionLabel';
import enRings from '../i18n/locales/en/rings.json';
import en from '../i18n/locales/en/steps.json';
import zhRings from '../i18n/locales/zh-CN/rings.json';
import zh from '../i18n/locales/zh-CN/steps.json';
import { stepSentence, type Translator } from './stepSentence';

/** An i18next set up as the app's (src/ui/i18n/index.ts) for the 'steps' namespace, and 'rings' for region names. */
function steps(lng: 'en' | 'zh-CN'): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng,
    fallbackLng: 'en',
    ns: ['steps', 'rings'],
    defaultNS: 'steps',
    resources: { en: { steps: en, rings: enRings }, 'zh-CN': { steps: zh, rings: zhRings } },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}

/** As useStepSentence() builds it: regions named by the memory map's regionLabel, in the same language. */
const translator = (i: i18n): Translator => ({
  t: (k, p) => i.t(k, p),
  exists: (k) => i.exists(k),
  region: (r) => regionLabel(r, i.getFixedT(null, 'rings')),
});

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

  it('names memory regions in Chinese, as the memory map does, with no English region label left', () => {
    const tr = translator(steps('zh-CN'));
    const sentence = (key: string) => {
      const r = all.find((x) => x.message.key === key && !x.fault);
      expect(r, key).toBeDefined();
      return stepSentence(tr, r!);
    };
    expect(sentence('blk.outhdr')).toBe('请求 0 的请求头 out_hdr：写入 virtio_blk_outhdr（type、ioprio、sector）');
    expect(sentence('blk.data')).toMatch(/^请求 \d+ 的数据缓冲区：写入 \d+ 字节数据$/);
    expect(sentence('blk.status')).toMatch(/^请求 \d+ 的状态字节：status = 0（OK）$/);
    expect(sentence('segment.read')).toMatch(/^请求 \d+ 的请求头 out_hdr：在 0x[0-9a-f]+ 读取 16 字节$/);
    expect(sentence('indirect.addr')).toMatch(/^间接表第 0 项（vq0 间接描述符表）：addr = 0x[0-9a-f]+$/);
    expect(sentence('desc.addr')).toMatch(/^vq0 描述符 \d+：addr = 0x[0-9a-f]+$/);
    const english =
      /req \d+ (out_hdr|data|status|id|range)|(descriptor|indirect) table|available ring|used ring|guest memory/;
    const named = all.filter((r) => r.message.regions ?? r.fault?.regions);
    expect(named.length).toBeGreaterThan(20);
    for (const r of all) expect(stepSentence(tr, r), `${r.index} ${r.message.key}`).not.toMatch(english);
  });

  it('in English, a region reads as the engine labels it', () => {
    const tr = translator(steps('en'));
    const outhdr = all.find((r) => r.message.key === 'blk.outhdr')!;
    expect(stepSentence(tr, outhdr)).toBe('req 0 out_hdr: virtio_blk_outhdr written (type, ioprio, sector)');
    const entry = all.find((r) => r.message.key === 'indirect.addr')!;
    expect(stepSentence(tr, entry)).toMatch(/^indirect table entry 0 \(vq0 indirect table\): addr = 0x/);
  });

  it("a message without its region's parts (or a translator without region names) keeps the English label", () => {
    const outhdr = all.find((r) => r.message.key === 'blk.outhdr')!;
    const { regions, ...bare } = outhdr.message;
    expect(regions?.label).toEqual({ kind: 'blk-header', label: 'req 0 out_hdr', queue: 0, owner: 0 });
    const zhTr = translator(steps('zh-CN'));
    expect(stepSentence(zhTr, { ...outhdr, message: bare })).toBe(
      'req 0 out_hdr：写入 virtio_blk_outhdr（type、ioprio、sector）',
    );
    expect(stepSentence({ ...zhTr, region: undefined }, outhdr)).toBe(
      'req 0 out_hdr：写入 virtio_blk_outhdr（type、ioprio、sector）',
    );
  });
});
