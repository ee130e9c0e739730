import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunTarget } from '../../engine/session';
import type { Granularity } from '../../engine/step';
import { actions, useSim } from '../store';
import { SPEEDS_MS } from '../store/speed';
import { useActorName } from '../code/useActorName';
import { useStepSentence } from '../code/stepSentence';
import { useFreeRunCaption } from '../code/freeRunCaption';
import { stepTotal } from '../derive/runLength';
import { forwardBlocked, type ForwardBlock, type ForwardControl, type ForwardState } from '../derive/forward';
import { useRunLength } from '../store/runLength';
import { ControlsFoldButton, useControlsFolded, useControlsFoldOpen } from '../lessons/ControlsFold';
import { Breakpoints } from './Breakpoints';
import { useKeepFocus, useKeepFocusWithin } from './keepFocus';
import { StepAnnouncer } from './StepAnnouncer';
import { useMediaQuery } from './useMediaQuery';

const GRANULARITIES: Granularity[] = ['write', 'function', 'request'];
const TARGETS: RunTarget[] = ['kick', 'interrupt', 'completion', 'error', 'breakpoint', 'end'];

function useSpeedText(): (index: number) => string {
  const { t } = useTranslation();
  return (index) => {
    const ms = SPEEDS_MS[index] ?? 0;
    if (ms === 0) return t('controls.speedMax');
    return ms >= 1000 ? t('controls.speedSeconds', { count: ms / 1000 }) : t('controls.speedMs', { count: ms });
  };
}

/**
 * Whether each forward control (Step, Play, Free-run, Run to…) can do anything now, and why not (see forwardBlocked),
 * with the reason's text for the disabled button's title.
 */
function useForwardBlocks(): {
  blocked: (c: ForwardControl) => ForwardBlock | null;
  why: (c: ForwardControl) => string | undefined;
} {
  const { t } = useTranslation();
  // Primitives, not the view: Controls re-renders only when one of them changes, not on every step.
  const loaded = useSim((s) => s.sim !== null);
  const ended = useSim((s) => s.sim?.view.ended ?? null);
  const playing = useSim((s) => s.playing);
  const freeRunning = useSim((s) => s.freeRunning);
  const breakpointCount = useSim((s) => s.breakpoints.length);
  const state: ForwardState = { view: loaded ? { ended } : null, playing, freeRunning, breakpointCount };
  const blocked = (c: ForwardControl) => forwardBlocked(c, state);
  const why = (c: ForwardControl) => {
    const b = blocked(c);
    return b === null || b === 'not-loaded' ? undefined : t(`controls.blocked.${b}`);
  };
  return { blocked, why };
}

function StatusLine() {
  const { t } = useTranslation();
  const step = useSim((s) => s.sim?.view.step ?? 0);
  const length = useSim((s) => s.sim?.timeline.length ?? 0);
  const stopped = useSim((s) => s.sim?.stopped ?? null);
  const ended = useSim((s) => s.sim?.view.ended ?? null);
  const freeRunning = useSim((s) => s.freeRunning);
  const seeking = useSim((s) => s.seeking);
  const hit = useSim((s) => s.breakpoints.find((b) => b.id === s.hitBreakpoint)?.text ?? null);
  const afterFreeRun = useSim((s) => s.sim?.origin === 'free-run');
  const total = stepTotal(step, length, useRunLength(), afterFreeRun);
  let message = '';
  if (freeRunning) message = t('status.freeRunning');
  else if (seeking) message = t(`status.seeking.${seeking}`);
  else if (stopped === 'breakpoint' && hit !== null) message = t('status.stoppedAt', { breakpoint: hit });
  else if (stopped && stopped !== 'end') message = t(`status.stopped.${stopped}`);
  else if (ended) message = t(`status.ended.${ended}`);
  else if (afterFreeRun && step === 0) message = t('status.afterFreeRun');
  return (
    <div className="status-line">
      <span className="step-count">
        {t('status.step')}{' '}
        <output aria-label={t('status.stepLabel')} aria-live="off">
          {step}
        </output>
        {afterFreeRun && <span className="dim"> {t('status.sinceFreeRun')}</span>}
        {total.kind === 'of' && <span className="dim"> {t('status.ofTotal', { total: total.total })}</span>}
        {total.kind === 'reached' && <span className="dim"> {t('status.reached', { reached: total.reached })}</span>}
      </span>
      <span role="status" className="status-message">
        {message}
      </span>
    </div>
  );
}

/** The current step in one line, always in view while the page scrolls (the full panel is further down). */
function NowLine() {
  const { t } = useTranslation();
  const actorName = useActorName();
  const sentence = useStepSentence();
  const record = useSim((s) => s.sim?.current ?? null);
  const freeRun = useFreeRunCaption();
  return (
    <p className="now" data-testid="now-line">
      {record === null ? (
        <span className="dim">{freeRun ?? t('step.startShort')}</span>
      ) : (
        <>
          <span className={`actor actor-${record.source}`}>{actorName(record.actor)}</span>
          <code>{record.fn}</code>
          <span className="explain-short">{sentence(record)}</span>
        </>
      )}
    </p>
  );
}

export function Controls() {
  const { t } = useTranslation();
  const speedText = useSpeedText();
  const speedId = useId();
  const granularityId = useId();
  const playing = useSim((s) => s.playing);
  const freeRunning = useSim((s) => s.freeRunning);
  const { blocked, why } = useForwardBlocks();
  const speed = useSim((s) => s.speed);
  const granularity = useSim((s) => s.granularity);
  const presenter = useSim((s) => s.presenter);
  const loaded = useSim((s) => s.sim !== null);
  const atStart = useSim((s) => (s.sim?.view.step ?? 0) === 0);
  // At the run's end (however it got there: stepping, a run-to, a free-run, an error) nothing is left to take: every
  // forward control is disabled with the reason as its title; Back, the timeline and Reset still work.
  const runEnded = blocked('runTo.end') === 'ended';
  const narrow = useMediaQuery('(max-width: 700px)');
  // While a lesson is open its panel steps: the Run to row folds behind a disclosure (a phone has More already).
  const folded = useControlsFolded() && !narrow;
  const foldOpen = useControlsFoldOpen();
  const foldId = useId();
  // A button that becomes disabled under the keyboard hands focus on: Back at step 0 to Step, the forward controls at
  // the end of the run to Back, or (after a free-run, when Back is off too) to the controls themselves.
  const sectionRef = useRef<HTMLElement>(null);
  const backRef = useRef<HTMLButtonElement>(null);
  const stepRef = useRef<HTMLButtonElement>(null);
  const playRef = useRef<HTMLButtonElement>(null);
  const freeRunRef = useRef<HTMLButtonElement>(null);
  const runToRef = useRef<HTMLDivElement>(null);
  const backOrHere = () => (backRef.current?.disabled === false ? backRef.current : sectionRef.current);
  useKeepFocus(backRef, !loaded || atStart, () => stepRef.current);
  useKeepFocus(stepRef, blocked('step') !== null, backOrHere);
  useKeepFocus(playRef, blocked('play') !== null, backOrHere);
  useKeepFocus(freeRunRef, blocked('freeRun') !== null, backOrHere);
  useKeepFocusWithin(runToRef, TARGETS.map((target) => blocked(`runTo.${target}`) ?? '').join(), backOrHere);

  const runRow = (
    <div className="control-row">
      <div ref={runToRef} className="button-group run-until" role="group" aria-label={t('controls.runUntil')}>
        <span className="field-label" aria-hidden="true">
          {t('controls.runUntil')}
        </span>
        {TARGETS.map((target) => (
          <button
            key={target}
            type="button"
            onClick={() => void actions.runUntil(target)}
            disabled={blocked(`runTo.${target}`) !== null}
            title={why(`runTo.${target}`)}
            aria-label={t(`controls.runTo.${target}`)}
          >
            {t(`controls.targets.${target}`)}
          </button>
        ))}
        {runEnded && (
          <span className="dim run-ended" data-testid="run-ended">
            {t('controls.blocked.endedShort')}
          </span>
        )}
      </div>
      {!presenter && <Breakpoints />}
    </div>
  );

  // On a phone the bar stays in view as the page scrolls, so it keeps only the stepping buttons, the status and
  // the step's sentence; the pace and the rest fold away under "More".
  const pace = (
    <>
      <label htmlFor={speedId} className="speed">
        <span className="field-label">{t('controls.speed')}</span>
        <input
          id={speedId}
          type="range"
          min={0}
          max={SPEEDS_MS.length - 1}
          step={1}
          value={speed}
          aria-valuetext={speedText(speed)}
          onChange={(e) => actions.setSpeed(Number(e.target.value))}
        />
        <span className="speed-text" aria-hidden="true">
          {speedText(speed)}
        </span>
      </label>
      <label htmlFor={granularityId}>
        <span className="field-label">{t('controls.granularity')}</span>
        <select
          id={granularityId}
          value={granularity}
          onChange={(e) => actions.setGranularity(e.target.value as Granularity)}
        >
          {GRANULARITIES.map((g) => (
            <option key={g} value={g}>
              {t(`controls.granularities.${g}`)}
            </option>
          ))}
        </select>
      </label>
    </>
  );

  return (
    <section ref={sectionRef} className="controls" aria-label={t('controls.label')} tabIndex={-1}>
      <div className="control-row">
        <div className="button-group" role="group" aria-label={t('controls.stepping')}>
          <button
            ref={backRef}
            type="button"
            onClick={() => void actions.back()}
            disabled={!loaded || atStart}
            aria-keyshortcuts="ArrowLeft"
          >
            <span aria-hidden="true">← </span>
            {t('controls.back')}
          </button>
          <button
            ref={stepRef}
            type="button"
            className="primary"
            onClick={() => void actions.step()}
            disabled={blocked('step') !== null}
            title={why('step')}
            aria-keyshortcuts="ArrowRight"
          >
            {t('controls.step')}
            <span aria-hidden="true"> →</span>
          </button>
          <button
            ref={playRef}
            type="button"
            onClick={() => void actions.togglePlay()}
            disabled={blocked('play') !== null}
            title={why('play')}
            aria-keyshortcuts="Space"
          >
            {playing ? t('controls.pause') : t('controls.play')}
          </button>
          <button
            ref={freeRunRef}
            type="button"
            onClick={() => void (freeRunning ? actions.stopFreeRun() : actions.freeRun())}
            disabled={blocked('freeRun') !== null}
            title={why('freeRun')}
          >
            {freeRunning ? t('controls.stopFreeRun') : t('controls.freeRun')}
          </button>
        </div>
        {!narrow && pace}
        {folded && <ControlsFoldButton controls={foldId} breakpoints={!presenter} />}
        <StatusLine />
      </div>
      {narrow ? (
        <details className="more-controls">
          <summary>{t('controls.more')}</summary>
          <div className="control-row">{pace}</div>
          {runRow}
        </details>
      ) : folded ? (
        <div id={foldId} className="controls-fold-row" hidden={!foldOpen}>
          {runRow}
        </div>
      ) : (
        runRow
      )}
      <NowLine />
      <StepAnnouncer />
    </section>
  );
}
