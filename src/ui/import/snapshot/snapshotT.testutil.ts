import i18next from 'i18next';
import en from '../../i18n/locales/en/snapshot.json';
import zh from '../../i18n/locales/zh-CN/snapshot.json';

/** The 'snapshot' namespace's t in one language, for tests of what the snapshot view says. */
export function snapshotT(lng: 'en' | 'zh-CN') {
  const i = i18next.createInstance();
  void i.init({
    lng,
    fallbackLng: 'en',
    resources: { en: { snapshot: en }, 'zh-CN': { snapshot: zh } },
    defaultNS: 'snapshot',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return i.getFixedT(lng, 'snapshot');
}
