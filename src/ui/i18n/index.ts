import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import enApp from './locales/en/app.json';
import enImport from './locales/en/import.json';
import enLessons from './locales/en/lessons.json';
import enPerf from './locales/en/perf.json';
import enRings from './locales/en/rings.json';
import enShare from './locales/en/share.json';
import enSnapshot from './locales/en/snapshot.json';
import enSteps from './locales/en/steps.json';
import zhApp from './locales/zh-CN/app.json';
import zhImport from './locales/zh-CN/import.json';
import zhLessons from './locales/zh-CN/lessons.json';
import zhPerf from './locales/zh-CN/perf.json';
import zhRings from './locales/zh-CN/rings.json';
import zhShare from './locales/zh-CN/share.json';
import zhSnapshot from './locales/zh-CN/snapshot.json';
import zhSteps from './locales/zh-CN/steps.json';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

/**
 * 'app' is the shell (header, controls, panels); 'rings' is the ring and memory components; 'steps' is the
 * sentence of each step, one per key of the engine's STEP_TEMPLATES (src/engine/messages.ts); 'lessons' is the
 * guided lessons' narration and their player (src/lessons, src/ui/lessons); 'share' is links, run files, slide
 * export and the embedded view (src/ui/share); 'perf' is what the page says about how it keeps up (src/ui/perf).
 */
export const NAMESPACES = ['app', 'rings', 'steps', 'lessons', 'share', 'import', 'snapshot', 'perf'] as const;

export const resources = {
  en: {
    app: enApp,
    rings: enRings,
    steps: enSteps,
    lessons: enLessons,
    share: enShare,
    import: enImport,
    snapshot: enSnapshot,
    perf: enPerf,
  },
  'zh-CN': {
    app: zhApp,
    rings: zhRings,
    steps: zhSteps,
    lessons: zhLessons,
    share: zhShare,
    import: zhImport,
    snapshot: zhSnapshot,
    perf: zhPerf,
  },
} as const;

const STORAGE_KEY = 'virtio-viz.language';

export const isLanguage = (value: unknown): value is Language => LANGUAGES.some((l) => l.code === value);

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Storage can throw when the browser blocks it (private mode, sandboxed frames).
    return null;
  }
}

/** The saved choice, else the browser's preference (any Chinese variant shows Simplified Chinese), else English. */
export function initialLanguage(): Language {
  const saved = storage()?.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return preferred.some((l) => l?.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

function reflectInDocument(lng: string): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lng;
  if (i18n.isInitialized) document.title = i18n.t('app:title');
}

/** Switches the language, remembers it for the next visit, and updates <html lang>. */
export async function changeLanguage(lng: Language): Promise<void> {
  storage()?.setItem(STORAGE_KEY, lng);
  await i18n.changeLanguage(lng);
}

i18n.on('languageChanged', reflectInDocument);

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.code),
  ns: [...NAMESPACES],
  defaultNS: 'app',
  interpolation: { escapeValue: false },
  initAsync: false,
});
reflectInDocument(i18n.language);

export default i18n;
