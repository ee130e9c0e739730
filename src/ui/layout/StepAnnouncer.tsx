import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SimulationState } from '../../engine/client/types';
import type { StepRecord } from '../../engine/step';
import type { MachineView } from '../../engine/view';
import { useStepSentence } from '../code/stepSentence';
import { simStore } from '../store';

interface Said {
  step: number;
  record: StepRecord | null;
  /** The run has ended here: nothing comes after this step. */
  last: boolean;
  /** At step 0 after a free-run: how far it got (as said then, so a later move does not change the words). */
  freeRun: Pick<MachineView, 'ended' | 'counters'> | null;
}

function saidOf(sim: SimulationState): Said {
  const { view, current } = sim;
  const afterFreeRun = sim.origin === 'free-run' && current === null;
  return {
    step: view.step,
    record: current,
    last: view.ended !== null,
    freeRun: afterFreeRun ? { ended: view.ended, counters: view.counters } : null,
  };
}

/**
 * Says "Step N: <the step's sentence>" to screen readers after a single move (Step, Back, a timeline jump, a
 * Run-to stop), not on every step while Play or free-run go on: the status line says where Play stops. Where a
 * free-run leaves the run (it ended by itself, or was stopped) is said once the state is still, since the step count
 * starts again there and the last thing said would otherwise be a step from before it. At the run's last step it
 * says so.
 */
export function StepAnnouncer() {
  const { t } = useTranslation();
  const sentence = useStepSentence();
  const [said, setSaid] = useState<Said | null>(null);

  useEffect(() => {
    let last = simStore.getState().sim?.current ?? null;
    // A free-run stopped: news even when the step record is the same (one that began at step 0 pauses at step 0).
    let freeRunStopped = false;
    return simStore.subscribe((s, prev) => {
      if (prev.freeRunning && !s.freeRunning) freeRunStopped = true;
      // A Run-to lands once it stops searching; the steps it passes are not news.
      if (s.seeking !== null || !s.sim) return;
      const record = s.sim.current;
      const moved = record !== last;
      last = record;
      if (s.playing || s.freeRunning) return;
      // Stopping a free-run is a pause still on its way (the last sample is of the run going on): wait for it.
      if (!moved && !(freeRunStopped && !s.sim.running)) return;
      freeRunStopped = false;
      setSaid(saidOf(s.sim));
    });
  }, []);

  let text = '';
  if (said?.record) {
    const key = said.last ? 'status.announceLast' : 'status.announce';
    text = t(key, { step: said.step, sentence: sentence(said.record) });
  } else if (said?.freeRun) {
    const { ended, counters } = said.freeRun;
    // The same words as the step caption after a free-run (useFreeRunCaption), as of when it was said.
    const caption = t(ended === null ? 'step.afterFreeRun' : 'step.freeRunEnded', {
      completed: counters.completed,
      requests: counters.requests,
      kicks: counters.kicks,
      interrupts: counters.interrupts,
    });
    text = t('status.announceFreeRun', { sentence: caption });
  } else if (said) text = t('step.startShort');
  return (
    <p className="sr-only" aria-live="polite" aria-atomic="true" data-testid="step-announcer">
      {text}
    </p>
  );
}
