import { useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import { FEATURE_NAMES } from '../../engine/scenario/schema';
import { isLanguage, LANGUAGES } from '../i18n';
import { scenarioTitle } from '../i18n/scenarioText';
import { ImportControl } from '../import/ImportControl';
import { LessonsButton } from '../lessons/LessonPicker';
import type { FeatureName, Scenario } from '../../engine/scenario/schema';
import { actions, useSim } from '../store';
import { ShareMenu } from '../share/ShareMenu';
import { keepScrollAnchor } from './keepScroll';

const NO_FEATURES: readonly FeatureName[] = [];

/** The queue size of the scenario as written (the store's `scenario` has the header's changes applied). */
const baseQueueSize = (custom: Scenario | null, name: string): number | undefined =>
  (custom ?? BUILTIN_SCENARIOS.find((s) => s.name === name))?.queue.size;
/** The scenario picker's entry for a scenario that is not built in; no built-in name can contain a space. */
const CUSTOM_OPTION = ' custom';

/** A number field that commits on Enter or when it loses focus, so typing "16" does not load "1" first. */
function CommitNumber(props: {
  label: string;
  value: number | null;
  placeholder?: string;
  min?: number;
  onCommit: (value: number | null) => void;
  className?: string;
}) {
  const { value, onCommit } = props;
  const shown = value === null ? '' : String(value);
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const text = draft.trim();
    setDraft(null);
    if (text === shown) return;
    if (text === '') onCommit(null);
    else if (/^\d+$/.test(text)) onCommit(Number(text));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') setDraft(null);
  };
  return (
    <label className={props.className}>
      <span className="field-label">{props.label}</span>
      <input
        type="number"
        inputMode="numeric"
        min={props.min ?? 0}
        value={draft ?? shown}
        placeholder={props.placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
    </label>
  );
}

function Features() {
  const { t } = useTranslation();
  const scenario = useSim((s) => s.scenario);
  const overridden = useSim((s) => s.overrides.features !== null);
  const { setFeature, resetFeatures } = actions;
  const features = useSim((s) => s.overrides.features ?? s.scenario?.features ?? NO_FEATURES);
  const on = new Set(features);
  return (
    <details className="features setup-only">
      <summary>{t('header.features', { count: on.size })}</summary>
      <fieldset>
        <legend className="sr-only">{t('header.featuresLegend')}</legend>
        {FEATURE_NAMES.map((f) => (
          <label key={f} className="feature">
            <input type="checkbox" checked={on.has(f)} onChange={(e) => void setFeature(f, e.target.checked)} />
            <code>{f}</code>
          </label>
        ))}
        <button type="button" disabled={!overridden || !scenario} onClick={() => void resetFeatures()}>
          {t('header.featureDefaults')}
        </button>
      </fieldset>
    </details>
  );
}

function Problems() {
  const { t } = useTranslation();
  const problems = useSim((s) => s.problems);
  if (problems.length === 0) return null;
  return (
    <div className="problems" role="alert">
      <strong>{t('header.problems')}</strong>
      <ul>
        {problems.map((p) => (
          <li key={`${p.path}:${p.message}`}>
            <code>{p.path}</code>: {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Header({ onHelp }: { onHelp: () => void }) {
  const { t } = useTranslation();
  const scenarioId = useId();
  const languageId = useId();
  const scenarioName = useSim((s) => s.scenarioName);
  const scenario = useSim((s) => s.scenario);
  // A scenario from a link or a run file that is not a built-in one (src/ui/share).
  const custom = useSim((s) => s.custom);
  const seed = useSim((s) => s.seed);
  const queueSize = useSim((s) => s.overrides.queueSize);
  const presenter = useSim((s) => s.presenter);
  const language = useSim((s) => s.language);
  const { selectScenario, setSeed, setQueueSize, load, setPresenter, setLanguage } = actions;

  return (
    <header className="app-header">
      <div className="brand">
        <h1>{t('title')}</h1>
        <p className="tagline">{t('tagline')}</p>
      </div>
      <div className="header-controls">
        <label htmlFor={scenarioId} className="scenario-picker">
          <span className="field-label">{t('header.scenario')}</span>
          <select
            id={scenarioId}
            value={custom ? CUSTOM_OPTION : scenarioName}
            // The whole name, where the picker is too narrow to show it (a projector's one-row header).
            title={custom ? custom.title : scenarioTitle(t, scenarioName)}
            onChange={(e) => void selectScenario(e.target.value)}
          >
            {custom && <option value={CUSTOM_OPTION}>{custom.title}</option>}
            {BUILTIN_SCENARIOS.map((s) => (
              <option key={s.name} value={s.name}>
                {t(`scenarios.${s.name}`, { defaultValue: s.title })}
              </option>
            ))}
          </select>
        </label>
        <CommitNumber
          label={t('header.seed')}
          value={seed}
          onCommit={(v) => void setSeed(v ?? 1)}
          className="narrow setup-only"
        />
        <CommitNumber
          label={t('header.queueSize')}
          // The size the run has, the scenario's own unless changed here (an empty box looked switched off).
          value={queueSize ?? scenario?.queue.size ?? null}
          min={1}
          // Back to the scenario's own size (typed, or the box cleared) is no change to the scenario.
          onCommit={(v) => void setQueueSize(v === baseQueueSize(custom, scenarioName) ? null : v)}
          className="narrow setup-only"
        />
        <Features />
        <button type="button" onClick={() => void load()}>
          {t('header.reset')}
        </button>
        <ImportControl />
        <LessonsButton />
        <span className="header-spacer" />
        <ShareMenu />
        <label htmlFor={languageId} className="language">
          <span className="sr-only">{t('header.language')}</span>
          <select
            id={languageId}
            value={language}
            onChange={(e) => {
              if (isLanguage(e.target.value)) void setLanguage(e.target.value);
            }}
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          aria-pressed={presenter}
          onClick={() => {
            // The type size changes everything's height: keep what is on screen where it is.
            const restore = keepScrollAnchor();
            setPresenter(!presenter);
            requestAnimationFrame(restore);
          }}
        >
          {t('header.presenter')}
        </button>
        <button type="button" className="help-button" aria-label={t('help.open')} onClick={onHelp}>
          ?
        </button>
      </div>
      <Problems />
    </header>
  );
}
