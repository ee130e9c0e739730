import { useTranslation } from 'react-i18next';
import { useSim } from '../store';

/**
 * What to say at step 0 after a free-run: the timeline starts again where it paused, so "nothing has happened yet"
 * would be false. Says how far the run got (from the machine's counters) and whether anything is left to step; null
 * when the page is not at such a step.
 */
export function useFreeRunCaption(): string | null {
  const { t } = useTranslation();
  const here = useSim((s) => s.sim !== null && s.sim.origin === 'free-run' && s.sim.current === null);
  const counters = useSim((s) => s.sim?.view.counters ?? null);
  const ended = useSim((s) => s.sim?.view.ended ?? null);
  if (!here || counters === null) return null;
  const values = {
    completed: counters.completed,
    requests: counters.requests,
    kicks: counters.kicks,
    interrupts: counters.interrupts,
  };
  return t(ended === null ? 'step.afterFreeRun' : 'step.freeRunEnded', values);
}
