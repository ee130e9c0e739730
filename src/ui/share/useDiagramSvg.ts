import { useTranslation } from 'react-i18next';
import { useActorName } from '../code/useActorName';
import { useStepSentence } from '../code/stepSentence';
import { scenarioTitle } from '../i18n/scenarioText';
import { simStore } from '../store';

/**
 * Renders the queue on screen as slide SVG, in the page's language; null before anything is loaded. The renderer is
 * loaded the first time a diagram is exported; what it draws is the state when the export was asked for.
 */
export function useDiagramSvg(): () => Promise<string | null> {
  const { t } = useTranslation('share');
  const { t: tApp } = useTranslation('app');
  const sentence = useStepSentence();
  const actorName = useActorName();
  return async () => {
    const s = simStore.getState();
    const queue = s.sim?.view.queues[s.queueIndex];
    if (!s.sim || !queue) return null;
    const current = s.sim.current;
    const title = scenarioTitle(tApp, s.scenario ?? s.custom ?? s.scenarioName, s.custom !== null);
    const caption = current ? `${actorName(current.actor)} · ${current.fn}: ${sentence(current)}` : '';
    const step = s.sim.view.step;
    const { renderQueueSvg } = await import('./diagramSvg');
    return renderQueueSvg(
      {
        queue,
        title,
        caption,
        labels: {
          descTable: t('svg.descTable'),
          availRing: t('svg.availRing'),
          usedRing: t('svg.usedRing'),
          step: t('svg.step'),
          truncated: (shown, size) => t('svg.truncated', { shown, size }),
        },
      },
      step,
    );
  };
}
