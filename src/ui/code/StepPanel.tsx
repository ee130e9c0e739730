import { useTranslation } from 'react-i18next';
import type { StepEvent, StepRecord } from '../../engine/step';
import { scenarioDescription } from '../i18n/scenarioText';
import { useSim } from '../store';
import { fileUrl, functionUrl } from './links';
import { activeLines, pseudocodeFor } from './pseudocode';
import { CodeText } from './CodeText';
import { useFreeRunCaption } from './freeRunCaption';
import { useStepSentence } from './stepSentence';
import { useActorName } from './useActorName';

function EventList({ events }: { events: StepEvent[] }) {
  const { t } = useTranslation();
  const shown = events.filter((e) => e.type !== 'barrier');
  if (shown.length === 0) return null;
  return (
    <ul className="event-list" aria-label={t('step.events')}>
      {shown.map((e, i) => (
        <li key={i} className={`event event-${e.type}`}>
          {t(`events.${e.type}`, { defaultValue: e.type })}
          {'queue' in e ? ` vq${e.queue}` : ''}
          {'request' in e ? ` · ${t('step.request', { id: e.request })}` : ''}
        </li>
      ))}
    </ul>
  );
}

function CodeView({ record }: { record: StepRecord }) {
  const { t } = useTranslation();
  const f = pseudocodeFor(record.fn);
  const tree = f?.source ?? record.source;
  const active = f ? new Set(activeLines(f, record)) : new Set<number>();
  return (
    <div className="code-view">
      <div className="code-head">
        <a href={functionUrl(record.fn, tree)} target="_blank" rel="noreferrer" className="fn-link">
          <code>{record.fn}</code>
          <span className="sr-only"> {t('code.opensSource', { tree: t(`code.tree.${tree}`) })}</span>
        </a>
        {f && (
          <a href={fileUrl(f.file, tree)} target="_blank" rel="noreferrer" className="file-link">
            {t(`code.tree.${tree}`)}: {f.file}
          </a>
        )}
      </div>
      {f ? (
        <figure className="pseudocode-figure" aria-label={t('code.label', { fn: record.fn })}>
          <pre className="pseudocode">
            {f.lines.map((line, i) => (
              <span
                key={i}
                className={active.has(i) ? 'code-line active' : 'code-line'}
                aria-current={active.has(i) ? 'step' : undefined}
                data-testid={active.has(i) ? 'code-active-line' : undefined}
              >
                <CodeText text={line.code} />
                {'\n'}
              </span>
            ))}
          </pre>
        </figure>
      ) : (
        <p className="dim">{t('code.none')}</p>
      )}
      <p className="dim code-note">{t('code.note')}</p>
    </div>
  );
}

/** The current step in words (actor, real function, sentence, events) and our pseudocode of that function. */
export function StepPanel() {
  const { t } = useTranslation();
  const actorName = useActorName();
  const sentence = useStepSentence();
  const record = useSim((s) => s.sim?.current ?? null);
  const scenario = useSim((s) => s.scenario);
  const custom = useSim((s) => s.custom !== null);
  // A built-in scenario's description in the page's language; a custom one's as its document gives it.
  const description = scenario ? scenarioDescription(t, scenario, custom) : '';
  const freeRun = useFreeRunCaption();
  return (
    <section className="panel step-panel" aria-labelledby="step-title">
      <h2 id="step-title" className="panel-title">
        {t('step.title')}
      </h2>
      {record === null ? (
        <div className="step-intro">
          <p>{freeRun ?? t('step.start')}</p>
          {description && <p className="dim">{description}</p>}
        </div>
      ) : (
        <>
          <p className="step-meta">
            <span className={`actor actor-${record.source}`}>{actorName(record.actor)}</span>
            <span className="dim"> · {t(`step.kind.${record.kind}`)}</span>
          </p>
          <p className="explain" data-testid="step-explain">
            {sentence(record)}
          </p>
          <EventList events={record.events} />
          <CodeView record={record} />
        </>
      )}
    </section>
  );
}
