import { useTranslation } from 'react-i18next';
import type { MessageRegion, StepMessage } from '../../engine/messages';
import type { StepRecord } from '../../engine/step';
import { regionLabel } from '../derive/regionLabel';
import { unchangedValue } from './unchangedStore';

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

/** What a sentence is made from: the record's message, and its stores when there are any to look at. */
export type SentenceRecord = Pick<StepRecord, 'explain' | 'message' | 'fault'> & Partial<Pick<StepRecord, 'writes'>>;

/** The note after a sentence whose step stored only bytes that were there already (else nothing would tell). */
const UNCHANGED = 'app:stepNote.unchanged';
const UNCHANGED_BYTES = 'app:stepNote.unchangedBytes';

/**
 * A step's sentence in the current language, from the engine's key and parameters (and, after it, what an
 * injected fault changed). The engine's English `explain` when a key has no translation: a message newer than
 * the translation files still shows something true. A step whose stores wrote what was there already says so
 * ("writes 0 over 0"), where the translator has the note.
 */
export function stepSentence(tr: Translator, r: SentenceRecord): string {
  const { message, fault } = r;
  let text: string;
  if (!tr.exists(keyOf(message)) || (fault && !(tr.exists(keyOf(fault)) && tr.exists('steps:withFault')))) {
    text = r.explain;
  } else {
    text = tr.t(keyOf(message), params(tr, message));
    if (fault) text = tr.t('steps:withFault', { text, fault: tr.t(keyOf(fault), params(tr, fault)) });
  }
  const value = unchangedValue(r.writes);
  if (value === undefined) return text;
  const note = value === null ? UNCHANGED_BYTES : UNCHANGED;
  return tr.exists(note) ? tr.t(note, value === null ? { text } : { text, value }) : text;
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
export function useStepSentence(): (r: SentenceRecord) => string {
  const { t, i18n } = useTranslation('steps');
  const { t: tRings } = useTranslation('rings');
  return (r) =>
    stepSentence(
      { t: (key, params) => t(key, params), exists: (key) => i18n.exists(key), region: (g) => regionLabel(g, tRings) },
      r,
    );
}
