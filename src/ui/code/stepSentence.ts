import { useTranslation } from 'react-i18next';
import type { StepMessage } from '../../engine/messages';
import type { StepRecord } from '../../engine/step';

/** Looks a key up with its parameters (i18next's t), and says whether a key exists (i18next's exists). */
export interface Translator {
  t: (key: string, params: Record<string, string | number>) => string;
  exists: (key: string) => boolean;
}

const keyOf = (m: StepMessage): string => `steps:${m.key}`;

/**
 * A step's sentence in the current language, from the engine's key and parameters (and, after it, what an
 * injected fault changed). The engine's English `explain` when a key has no translation: a message newer than
 * the translation files still shows something true.
 */
export function stepSentence(tr: Translator, r: Pick<StepRecord, 'explain' | 'message' | 'fault'>): string {
  const { message, fault } = r;
  if (!tr.exists(keyOf(message)) || (fault && !(tr.exists(keyOf(fault)) && tr.exists('steps:withFault')))) {
    return r.explain;
  }
  const text = tr.t(keyOf(message), message.params);
  return fault ? tr.t('steps:withFault', { text, fault: tr.t(keyOf(fault), fault.params) }) : text;
}

/** stepSentence() in the language shown now; components re-render when it changes. */
export function useStepSentence(): (r: Pick<StepRecord, 'explain' | 'message' | 'fault'>) => string {
  const { t, i18n } = useTranslation('steps');
  return (r) => stepSentence({ t: (key, params) => t(key, params), exists: (key) => i18n.exists(key) }, r);
}
