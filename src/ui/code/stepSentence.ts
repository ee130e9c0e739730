import { useTranslation } from 'react-i18next';
import type { MessageRegion, StepMessage } from '../../engine/messages';
import type { StepRecord } from '../../engine/step';
import { regionLabel } from '../derive/regionLabel';

/**
 * Looks a key up with its parameters (i18next's t), and says whether a key exists (i18next's exists); `region`
 * names a memory region in the same language (the memory map's regionLabel); without it, the engine's English label.
 */
export interface Translator {
  t: (key: string, params: Record<string, string | number>) => string;
  exists: (key: string) => boolean;
  region?: (region: MessageRegion) => string;
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
  const text = tr.t(keyOf(message), params(tr, message));
  return fault ? tr.t('steps:withFault', { text, fault: tr.t(keyOf(fault), params(tr, fault)) }) : text;
}

/** A message's parameters, those naming a region (StepMessage.regions) as the region's name in `tr`'s language. */
function params(tr: Translator, m: StepMessage): StepMessage['params'] {
  const { region } = tr;
  if (!m.regions || !region) return m.params;
  const out = { ...m.params };
  for (const [param, r] of Object.entries(m.regions)) if (r && param in out) out[param] = region(r);
  return out;
}

/** stepSentence() in the language shown now; components re-render when it changes. */
export function useStepSentence(): (r: Pick<StepRecord, 'explain' | 'message' | 'fault'>) => string {
  const { t, i18n } = useTranslation('steps');
  const { t: tRings } = useTranslation('rings');
  return (r) =>
    stepSentence(
      { t: (key, params) => t(key, params), exists: (key) => i18n.exists(key), region: (g) => regionLabel(g, tRings) },
      r,
    );
}
