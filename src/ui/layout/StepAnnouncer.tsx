import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StepRecord } from '../../engine/step';
import { useStepSentence } from '../code/stepSentence';
import { useFreeRunCaption } from '../code/freeRunCaption';
import { simStore } from '../store';

interface Said {
  step: number;
  record: StepRecord | null;
}

/**
 * Says "Step N: <the step's sentence>" to screen readers after a single move (Step, Back, a timeline jump, a
 * Run-to stop), not on every step while Play or free-run go on: the status line says where those stop.
 */
export function StepAnnouncer() {
  const { t } = useTranslation();
  const sentence = useStepSentence();
  const freeRun = useFreeRunCaption();
  const [said, setSaid] = useState<Said | null>(null);

  useEffect(() => {
    let last = simStore.getState().sim?.current ?? null;
    return simStore.subscribe((s) => {
      // A Run-to lands once it stops searching; the steps it passes are not news.
      if (s.seeking !== null || !s.sim) return;
      const record = s.sim.current;
      if (record === last) return;
      last = record;
      if (s.playing || s.freeRunning) return;
      setSaid({ step: s.sim.view.step, record });
    });
  }, []);

  let text = '';
  if (said?.record) text = t('status.announce', { step: said.step, sentence: sentence(said.record) });
  else if (said) text = freeRun === null ? t('step.startShort') : t('status.announce', { step: 0, sentence: freeRun });
  return (
    <p className="sr-only" aria-live="polite" aria-atomic="true" data-testid="step-announcer">
      {text}
    </p>
  );
}
