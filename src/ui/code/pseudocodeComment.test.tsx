// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import i18next from 'i18next';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import en from '../i18n/locales/en/pseudocode.json';
import zh from '../i18n/locales/zh-CN/pseudocode.json';
import { CodeText } from './CodeText';
import { KNOWN_FUNCTIONS, pseudocodeFor } from './pseudocode';
import { splitComment } from './pseudocodeComment';

afterEach(cleanup);

const comments = (): Set<string> => {
  const out = new Set<string>();
  for (const fn of KNOWN_FUNCTIONS)
    for (const line of pseudocodeFor(fn)!.lines) {
      const { comment } = splitComment(line.code);
      if (comment !== null) out.add(comment);
    }
  return out;
};

function i18nIn(lng: 'en' | 'zh-CN') {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    ns: ['pseudocode'],
    resources: { en: { pseudocode: en }, 'zh-CN': { pseudocode: zh } },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}

describe('splitComment', () => {
  it('splits a line at its comment, keeping the code and the "# " as written', () => {
    expect(splitComment('    smp_wmb()   # used elements before used.idx')).toEqual({
      code: '    smp_wmb()   # ',
      comment: 'used elements before used.idx',
    });
    expect(splitComment('    # a misbehaving guest: x')).toEqual({ code: '    # ', comment: 'a misbehaving guest: x' });
    expect(splitComment('# at the start')).toEqual({ code: '# ', comment: 'at the start' });
    expect(splitComment('    vq.num_added = 0')).toEqual({ code: '    vq.num_added = 0', comment: null });
  });

  it('every pseudocode comment is translated, and the files hold no comment the pseudocode no longer has', () => {
    const all = comments();
    expect(all.size).toBeGreaterThan(40);
    const enFile = en as Record<string, string>;
    const zhFile = zh as Record<string, string>;
    for (const c of all) {
      // English is the comment itself: the key is the text.
      expect(enFile[c], c).toBe(c);
      expect(zhFile[c]?.trim(), c).toBeTruthy();
    }
    expect(Object.keys(enFile).filter((k) => !all.has(k))).toEqual([]);
    expect(Object.keys(zhFile).filter((k) => !all.has(k))).toEqual([]);
  });
});

describe('CodeText', () => {
  const line = '    if not vq.notify(vq):                  # vp_notify: the transport writes the queue\u2019s doorbell';

  it('shows the code as written and the comment in the page language', () => {
    const { container, rerender } = render(
      <I18nextProvider i18n={i18nIn('zh-CN')}>
        <CodeText text={line} />
      </I18nextProvider>,
    );
    expect(container.textContent).toBe(
      '    if not vq.notify(vq):                  # vp_notify：传输层写队列的门铃寄存器',
    );
    rerender(
      <I18nextProvider i18n={i18nIn('en')}>
        <CodeText text={line} />
      </I18nextProvider>,
    );
    expect(container.textContent).toBe(line);
  });

  it('shows a comment with no translation yet in English, and a line without one unchanged', () => {
    const { container } = render(
      <I18nextProvider i18n={i18nIn('zh-CN')}>
        <CodeText text="    x = 1   # not: a known.comment" />
        <CodeText text="    y = 2" />
      </I18nextProvider>,
    );
    expect(container.textContent).toBe('    x = 1   # not: a known.comment    y = 2');
  });
});
