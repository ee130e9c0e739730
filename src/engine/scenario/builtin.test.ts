import { describe, expect, it } from 'vitest';
import en from '../../ui/i18n/locales/en/app.json';
import zh from '../../ui/i18n/locales/zh-CN/app.json';
import { BUILTIN_SCENARIOS } from './builtin';
import type { FaultKind } from './schema';

/** Who is to blame for each fault: the guest's driver, the device, or neither (lost between them). */
const CULPRIT: Record<FaultKind, 'guest' | 'device' | 'wire'> = {
  'looped-chain': 'guest',
  'index-jump': 'guest',
  'head-out-of-range': 'guest',
  'zero-length-desc': 'guest',
  'write-before-read': 'guest',
  'missing-barrier': 'guest',
  'avail-idx-no-wrap': 'guest',
  'leaked-descriptor': 'guest',
  'bad-used-len': 'device',
  'skip-kick': 'wire',
  'lost-interrupt': 'wire',
};

const breakIt = BUILTIN_SCENARIOS.filter((s) => s.faults.length > 0);
const titles = [
  { lang: 'scenario document', of: (name: string) => BUILTIN_SCENARIOS.find((s) => s.name === name)!.title },
  { lang: 'en', of: (name: string) => (en.scenarios as Record<string, string>)[name]! },
];

describe('built-in Break-it scenarios', () => {
  it('keep the bad-guest- ids that links and run files name', () => {
    expect(breakIt.map((s) => s.name).every((n) => n.startsWith('bad-guest-'))).toBe(true);
  });

  it.each(titles)('title ($lang) says who misbehaves, as the fault does', ({ of }) => {
    for (const s of breakIt) {
      const culprits = new Set(s.faults.map((f) => CULPRIT[f.kind]));
      expect(culprits.size, s.name).toBe(1);
      const title = of(s.name);
      const culprit = [...culprits][0]!;
      if (culprit === 'wire') expect(title, s.name).not.toMatch(/misbehaving/i);
      else expect(title, s.name).toMatch(new RegExp(`^A misbehaving ${culprit}:`));
    }
  });

  it('every title is translated, and the Chinese one blames the same side', () => {
    const zhTitles = zh.scenarios as Record<string, string>;
    for (const s of breakIt) {
      const culprit = CULPRIT[s.faults[0]!.kind];
      const title = zhTitles[s.name];
      expect(title, s.name).toBeDefined();
      if (culprit === 'guest') expect(title, s.name).toMatch(/^行为异常的客户机：/);
      else if (culprit === 'device') expect(title, s.name).toMatch(/^行为异常的设备：/);
      else expect(title, s.name).not.toMatch(/行为异常/);
    }
  });

  it('the index that wraps at the queue size is not called one that does not wrap', () => {
    const s = BUILTIN_SCENARIOS.find((x) => x.name === 'bad-guest-index-no-wrap')!;
    expect(s.faults.map((f) => f.kind)).toEqual(['avail-idx-no-wrap']);
    for (const { of } of titles) expect(of(s.name)).toMatch(/wraps too early/);
    expect(s.title).not.toMatch(/does not wrap/);
    expect(s.description).toMatch(/wraps too early/);
  });
});
