import i18n, { type BackendModule, type ResourceKey } from 'i18next';
import { initReactI18next } from 'react-i18next';
import enApp from './locales/en/app.json';
import enImport from './locales/en/import.json';
import enPerf from './locales/en/perf.json';
import enRings from './locales/en/rings.json';
import enShare from './locales/en/share.json';
import enSteps from './locales/en/steps.json';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

/**
 * 'app' is the shell (header, controls, panels); 'rings' is the ring and memory components; 'steps' is the
 * sentence of each step, one per key of the engine's STEP_TEMPLATES (src/engine/messages.ts); 'lessons' is the
 * guided lessons' narration and their player (src/lessons, src/ui/lessons); 'share' is links, run files, slide
 * export and the embedded view (src/ui/share); 'perf' is what the page says about how it keeps up (src/ui/perf);
 * 'pseudocode' is the comments of the step panel's pseudocode, keyed by their English text (src/ui/code).
 */
export const NAMESPACES = [
  'app',
  'rings',
  'steps',
  'lessons',
  'share',
  'import',
  'snapshot',
  'perf',
  'pseudocode',
] as const;

/**
 * The namespaces the first screen uses. The page carries them in English; another language's, and the namespaces of
 * views opened later ('lessons' with the lesson player, 'snapshot' with the import view), are fetched when needed.
 */
export const FIRST_SCREEN_NAMESPACES = ['app', 'rings', 'steps', 'share', 'import', 'perf'] as const;

/** What the page carries: English, first screen. */
export const bundled = {
  en: { app: enApp, rings: enRings, steps: enSteps, share: enShare, import: enImport, perf: enPerf },
} as const;

/** Every other translation file, each its own chunk, fetched by i18next through the backend below. */
const lazyFiles = import.meta.glob<{ default: ResourceKey }>([
  './locales/*/*.json',
  '!./locales/en/app.json',
  '!./locales/en/rings.json',
  '!./locales/en/steps.json',
  '!./locales/en/share.json',
  '!./locales/en/import.json',
  '!./locales/en/perf.json',
]);

const lazyBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(lng, ns, callback) {
    const file = lazyFiles[`./locales/${lng}/${ns}.json`];
    if (!file) {
      callback(new Error(`no translation file for ${lng}/${ns}`), false);
      return;
    }
    file().then(
      (m) => callback(null, m.default),
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e)), false),
    );
  },
};

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

/** Settles when the first language's first-screen namespaces are in (at once for English), title set. */
export const i18nReady: Promise<unknown> = i18n
  .use(lazyBackend)
  .use(initReactI18next)
  .init({
    resources: bundled,
    partialBundledLanguages: true,
    lng: initialLanguage(),
    fallbackLng: 'en',
    supportedLngs: LANGUAGES.map((l) => l.code),
    ns: [...FIRST_SCREEN_NAMESPACES],
    defaultNS: 'app',
    interpolation: { escapeValue: false },
    initAsync: false,
  })
  .catch(() => undefined)
  .then(() => reflectInDocument(i18n.language));
reflectInDocument(i18n.language);

export default i18n;
