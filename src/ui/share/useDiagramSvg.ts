import { useTranslation } from 'react-i18next';
import { useActorName } from '../code/useActorName';
import { useStepSentence } from '../code/stepSentence';
import { simStore } from '../store';
import { renderQueueSvg } from './diagramSvg';

/** Renders the queue on screen as slide SVG, in the page's language; null before anything is loaded. */
export function useDiagramSvg(): () => string | null {
  const { t } = useTranslation('share');
  const { t: tApp } = useTranslation('app');
  const sentence = useStepSentence();
  const actorName = useActorName();
  return () => {
    const s = simStore.getState();
    const queue = s.sim?.view.queues[s.queueIndex];
    if (!s.sim || !queue) return null;
    const current = s.sim.current;
    const name = s.scenario?.name ?? s.scenarioName;
    const title = s.custom
      ? (s.scenario?.title ?? name)
      : tApp(`scenarios.${name}`, { defaultValue: s.scenario?.title ?? name });
    return renderQueueSvg(
      {
        queue,
        title,
        caption: current ? `${actorName(current.actor)} · ${current.fn}: ${sentence(current)}` : '',
        labels: {
          descTable: t('svg.descTable'),
          availRing: t('svg.availRing'),
          usedRing: t('svg.usedRing'),
          step: t('svg.step'),
          truncated: (shown, size) => t('svg.truncated', { shown, size }),
        },
      },
      s.sim.view.step,
    );
  };
}
