import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../../i18n/locales/en/rings.json';
import enSteps from '../../i18n/locales/en/steps.json';
import zh from '../../i18n/locales/zh-CN/rings.json';
import zhSteps from '../../i18n/locales/zh-CN/steps.json';

/**
 * A private i18next instance with the 'rings' namespace (and 'steps', the step sentences), so component tests
 * do not depend on the app's set-up.
 */
export function ringsI18n(lng: 'en' | 'zh-CN' = 'en'): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    ns: ['rings', 'steps'],
    defaultNS: 'rings',
    resources: { en: { rings: en, steps: enSteps }, 'zh-CN': { rings: zh, steps: zhSteps } },
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}
