import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { highlightLabelKey, parseHighlight } from '../../lessons/highlights';
import { lessonById } from '../../lessons/catalog';
import { textParams } from '../../lessons/textParams';
import { lessonTitleKey, stopQuestionKey, stopTextKey } from '../../lessons/types';
import { scenarioTitle } from '../i18n/scenarioText';
import { useMediaQuery } from '../layout/useMediaQuery';
import { useSim } from '../store';
import { CompareTable } from './CompareTable';
import { highlightCss, resolveHighlights, scrollToHighlight, scrollToHighlights } from './highlight';
import { atStop, stopOnScreen } from './lessonStore';
import { choiceLabel, QuestionBox } from './QuestionBox';
import { lessonActions, useLesson } from '.';
import './lessons.css';

/** Keys a presenter's clicker sends: next and previous slide. */
function useClicker(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) return;
      if (e.key === 'PageDown') {
        e.preventDefault();
        void lessonActions.next();
      } else if (e.key === 'PageUp') {
        e.preventDefault();
        void lessonActions.previous();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}

/** The lesson being followed: narration, question, highlights and the way on, docked at the window's bottom. */
export function LessonPlayerPanel() {
  const { t } = useTranslation('lessons');
  const { t: tApp } = useTranslation('app');
  const lessonId = useLesson((s) => s.lessonId);
  const plan = useLesson((s) => s.plan);
  const planError = useLesson((s) => s.planError);
  const index = useLesson((s) => s.index);
  const phase = useLesson((s) => s.phase);
  const feedback = useLesson((s) => s.feedback);
  const moving = useLesson((s) => s.moving);
  const comparison = useLesson((s) => s.comparison);
  const view = useSim((s) => s.sim?.view ?? null);
  const onTrack = useSim((s) => {
    const p = plan ? stopOnScreen(plan, index, phase === 'ask') : undefined;
    return p ? atStop(s, p) : true;
  });
  const reduced = useMediaQuery('(prefers-reduced-motion: reduce)');
  const wide = useMediaQuery('(min-width: 1100px)');
  const panel = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The panel's height: what it covers of the window's bottom. It changes after a stop is shown (a comparison
  // table arrives, an answer's verdict appears), and the highlights are scrolled again into the room it leaves.
  const [panelHeight, setPanelHeight] = useState(0);
  useClicker(lessonId !== null);

  const lesson = lessonId ? lessonById(lessonId) : undefined;
  const stop = plan?.[index]?.stop;
  const asking = phase === 'ask' && stop?.question !== undefined;
  // The state on screen: while asking, the state just before the stop (askingAt).
  const shown = plan ? stopOnScreen(plan, index, asking) : undefined;
  const highlights = stop && !moving ? resolveHighlights(stop.highlight) : [];

  // The page keeps room at its bottom for the panel, so nothing stays hidden behind it.
  useLayoutEffect(() => {
    const el = panel.current;
    const root = document.documentElement;
    if (!el) {
      root.style.removeProperty('--lesson-panel-h');
      return;
    }
    const ro = new ResizeObserver(() => {
      root.style.setProperty('--lesson-panel-h', `${el.offsetHeight}px`);
      setPanelHeight(el.offsetHeight);
    });
    ro.observe(el);
    // A class rather than `body:has(.lesson-player)`, which the browser re-checks on every DOM change of a step.
    document.body.classList.add('with-lesson-player');
    return () => {
      ro.disconnect();
      root.style.removeProperty('--lesson-panel-h');
      document.body.classList.remove('with-lesson-player');
    };
  }, [lessonId]);

  // Everything the stop points at, seen together with the panel when it fits (a question about the ring's slots
  // shows them); again after Presenter changes the type size, which moves everything, and after the panel grows
  // (a comparison table, which arrives after the stop is shown, would otherwise cover the counters it is about).
  const marked = highlights.map((h) => h.selector).join('\n');
  const presenter = useSim((s) => s.presenter);
  useEffect(() => {
    if (!marked || moving) return;
    const id = requestAnimationFrame(() =>
      scrollToHighlights(marked.split('\n'), panel.current?.offsetHeight ?? 0, !reduced),
    );
    return () => cancelAnimationFrame(id);
  }, [marked, moving, index, phase, reduced, presenter, panelHeight]);

  // A new stop is announced by moving focus to its heading (screen readers read it; keyboard users stay in the panel).
  useEffect(() => {
    if (lessonId && !moving) headingRef.current?.focus({ preventScroll: true });
  }, [lessonId, index, phase, moving]);

  if (!lessonId || !lesson) return null;
  // The panel goes away: focus goes back to the Lessons button rather than to <body>.
  const closeLesson = () => {
    if (panel.current?.contains(document.activeElement))
      document.querySelector<HTMLElement>('.lessons-button')?.focus();
    lessonActions.close();
  };
  const total = lesson.stops.length;
  const last = index >= total - 1 && !asking;
  const question = stop?.question;
  const params = view ? textParams(view) : {};
  const answerText = (v: number) => (question ? choiceLabel(question, v, t) : String(v));

  const where = shown && (
    <span className="lesson-dim lesson-where" data-testid="lesson-where">
      {t('ui.stepNote', { scenario: scenarioTitle(tApp, shown.scenario), step: shown.step })}
    </span>
  );
  const offTrack = !onTrack && !moving && (
    <button type="button" className="lesson-link" onClick={() => void lessonActions.resync()}>
      {t('ui.offTrack')} {t('ui.backOnTrack')}
    </button>
  );
  const previous = (
    <button type="button" disabled={!plan || index === 0 || moving} onClick={() => void lessonActions.previous()}>
      ← {t('ui.previous')}
    </button>
  );
  const onward = last ? (
    <button type="button" className="primary" onClick={closeLesson}>
      {t('ui.finish')}
    </button>
  ) : (
    <button
      type="button"
      className="primary"
      data-testid="lesson-next"
      disabled={!plan || moving}
      onClick={() => void lessonActions.next()}
    >
      {t('ui.next')} →
    </button>
  );
  const close = (
    <button type="button" className="lesson-close" onClick={closeLesson}>
      {t('ui.close')}
    </button>
  );
  const marks = highlights.length > 0 && (
    <ul className="lesson-marks" aria-label={t('ui.lookAt')}>
      {highlights.map((h) => {
        const parsed = parseHighlight(h.id)!;
        return (
          <li key={h.id}>
            <button
              type="button"
              data-selector={h.selector}
              data-testid="lesson-mark"
              onClick={() => scrollToHighlight(h.selector, panel.current?.offsetHeight ?? 0, !reduced)}
            >
              {t(highlightLabelKey(parsed), { index: 'index' in parsed ? parsed.index : 0 })}
            </button>
          </li>
        );
      })}
    </ul>
  );
  const main = stop && (
    <>
      {/* Always present, so the verdict that appears in it after an answer is announced. */}
      <div aria-live="polite" data-testid="lesson-feedback-live">
        {!asking && feedback && (
          <p
            className={`lesson-feedback ${feedback.given === null ? '' : feedback.given === feedback.answer ? 'lesson-right' : 'lesson-wrong'}`}
            data-testid="lesson-feedback"
          >
            {feedback.given === null
              ? t('ui.revealed', { answer: answerText(feedback.answer) })
              : feedback.given === feedback.answer
                ? t('ui.correct', { answer: answerText(feedback.answer) })
                : t('ui.wrong', { answer: answerText(feedback.answer), given: answerText(feedback.given) })}
          </p>
        )}
      </div>
      {asking && question ? (
        <QuestionBox
          key={`${lessonId}:${index}`}
          question={question}
          prompt={t(stopQuestionKey(lesson, stop), params)}
          disabled={moving}
          onAnswer={(v) => void lessonActions.answer(v)}
          onReveal={() => void lessonActions.reveal()}
        />
      ) : (
        <>
          <p className="lesson-text" data-testid="lesson-text">
            {moving ? t('ui.loading') : t(stopTextKey(lesson, stop), params)}
          </p>
          {stop.compare && !moving && <CompareTable spec={stop.compare} state={comparison} />}
        </>
      )}
    </>
  );
  const heading = (
    <h2 id="lesson-title" ref={headingRef} tabIndex={-1}>
      {t(lessonTitleKey(lesson))}
      {plan && <span className="sr-only"> — </span>}
      {plan && (
        <span className="lesson-progress" data-testid="lesson-progress">
          {t('ui.stopOf', { n: index + 1, total })}
        </span>
      )}
    </h2>
  );
  const planProblem = planError !== null && <p className="lesson-error">{t('ui.planError', { message: planError })}</p>;

  return (
    <section
      ref={panel}
      className={wide ? 'lesson-player lesson-wide' : 'lesson-player'}
      aria-labelledby="lesson-title"
      data-testid="lesson-player"
      data-stop={stop?.id}
    >
      <style>{highlightCss(highlights)}</style>
      {wide ? (
        // A wide window: where the stop is and the way on beside the title (first after it for the keyboard), the
        // narration with what to look at beside it, so the panel stays a few lines high and the rings keep the window.
        <>
          <div className="lesson-head">
            {heading}
            {where}
            <div className="lesson-nav">
              {previous}
              {onward}
            </div>
            {close}
          </div>
          {planProblem}
          {stop && (
            <div className="lesson-body" aria-busy={moving}>
              <div className="lesson-main">{main}</div>
              <div className="lesson-side">
                {marks}
                {offTrack}
              </div>
            </div>
          )}
        </>
      ) : (
        <>
          <div className="lesson-head">
            {heading}
            {close}
          </div>
          {planProblem}
          {stop && (
            <div className="lesson-body" aria-busy={moving}>
              {main}
              {marks}
            </div>
          )}
          <div className="lesson-nav">
            {where}
            {offTrack}
            {previous}
            {onward}
          </div>
        </>
      )}
    </section>
  );
}
