import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import i18n from '../i18n';
import { lessonPlaceStore } from './lessonGate';

/**
 * While a lesson is open its panel does the stepping, so the controls' "Run to" row (and the breakpoints) fold
 * behind a disclosure and leave their height to the rings. Open or shut, the choice holds until the page reloads.
 */
export const controlsFoldStore = createStore<{ open: boolean }>(() => ({ open: false }));

/**
 * Whether the controls should fold their second row now: a lesson is open and its texts are in (the button's label
 * is one of them; until then the row stays unfolded). Asks i18next rather than useTranslation('lessons'), which
 * would fetch the lessons' texts on the first screen.
 */
export function useControlsFolded(): boolean {
  const lessonOpen = useStore(lessonPlaceStore, (s) => s.place !== null);
  return lessonOpen && i18n.hasLoadedNamespace('lessons');
}

export function useControlsFoldOpen(): boolean {
  return useStore(controlsFoldStore, (s) => s.open);
}

/** The disclosure button for the folded row (`controls` is the row's id). */
export function ControlsFoldButton({ controls, breakpoints }: { controls: string; breakpoints: boolean }) {
  const { t } = useTranslation('lessons', { useSuspense: false });
  const open = useControlsFoldOpen();
  return (
    <button
      type="button"
      className="controls-fold"
      aria-expanded={open}
      aria-controls={controls}
      data-testid="controls-fold"
      onClick={() => controlsFoldStore.setState({ open: !open })}
    >
      <span className="controls-fold-mark" aria-hidden="true">
        {open ? '▾' : '▸'}
      </span>
      {t(breakpoints ? 'ui.foldRunToBreakpoints' : 'ui.foldRunTo')}
    </button>
  );
}
