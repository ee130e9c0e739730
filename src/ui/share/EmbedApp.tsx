import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useActorName } from '../code/useActorName';
import { useStepSentence } from '../code/stepSentence';
import { useKeyboard } from '../layout/useKeyboard';
import { QueueBoard } from '../panels/QueueBoard';
import { actions, simStore, useSim } from '../store';
import { SPEEDS_MS, waitForNextStep } from '../store/speed';
import { nextMove, rangeOf, startStep, type EmbedRange } from './embedRange';
import { ShareNotice } from './ShareNotice';
import { currentLink, openFromUrl } from './urlSync';
import './share.css';

/** StrictMode runs effects twice in development; the link should open once. */
let started = false;

function NowCaption() {
  const actorName = useActorName();
  const sentence = useStepSentence();
  const record = useSim((s) => s.sim?.current ?? null);
  if (!record) return null;
  return (
    <p className="embed-now" data-testid="now-line">
      <span className={`actor actor-${record.source}`}>{actorName(record.actor)}</span> <code>{record.fn}</code>{' '}
      {sentence(record)}
    </p>
  );
}

/**
 * The page inside an iframe (?embed=1): the queue diagram and the playback controls, nothing else. A link may
 * give a step range (from, to) that stepping and playback keep to, and autoplay and loop.
 */
export function EmbedApp() {
  const { t } = useTranslation('app');
  const { t: ts } = useTranslation('share');
  const [range, setRange] = useState<EmbedRange | null>(null);
  const [loop, setLoop] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [fullLink, setFullLink] = useState<string | null>(null);
  const playback = useRef<AbortController | null>(null);
  const step = useSim((s) => s.sim?.view.step ?? 0);
  const ended = useSim((s) => s.sim?.view.ended != null);

  const stop = useCallback(() => {
    playback.current?.abort();
    playback.current = null;
    setPlaying(false);
  }, []);

  const play = useCallback(
    async (r: EmbedRange, looping: boolean) => {
      stop();
      const ctl = new AbortController();
      playback.current = ctl;
      setPlaying(true);
      while (!ctl.signal.aborted) {
        const sim = simStore.getState().sim;
        if (!sim) break;
        const move = nextMove(r, sim.view.step, sim.view.ended !== null, looping);
        if (move === 'stop') break;
        if (move === 'restart') await actions.jump(r.from);
        else await actions.step();
        if (!(await waitForNextStep(SPEEDS_MS[simStore.getState().speed] ?? 0, ctl.signal))) break;
      }
      if (playback.current === ctl) stop();
    },
    [stop],
  );

  useEffect(() => {
    if (started) return;
    started = true;
    void (async () => {
      const options = await openFromUrl(simStore);
      const r = rangeOf(options);
      const at = simStore.getState().sim?.view.step ?? 0;
      const first = startStep(r, at);
      if (first !== at) await actions.jump(first);
      setRange(r);
      setLoop(options.loop);
      if (options.autoplay) void play(r, options.loop);
    })();
  }, [play]);

  useEffect(() => () => playback.current?.abort(), []);

  // "Open in the visualizer" opens the full page at the step shown here.
  useEffect(() => {
    if (range === null) return;
    let live = true;
    void currentLink(simStore).then((link) => live && setFullLink(link));
    return () => {
      live = false;
    };
  }, [range, step]);

  const atFrom = range === null || step <= range.from;
  const atTo = range === null || ended || (range.to !== null && step >= range.to);

  const onStep = () => {
    stop();
    if (!atTo) void actions.step();
  };
  const onBack = () => {
    stop();
    if (!atFrom) void actions.back();
  };
  const onPlay = () => (playing ? stop() : range && void play(range, loop));
  // → ← and Space as on the full page (the frame must have focus: click it first).
  const keys = useRef({ step: onStep, back: onBack, togglePlay: onPlay, help: () => undefined });
  useEffect(() => {
    keys.current = { step: onStep, back: onBack, togglePlay: onPlay, help: () => undefined };
  });
  const commands = useMemo(
    () => ({
      step: () => keys.current.step(),
      back: () => keys.current.back(),
      togglePlay: () => keys.current.togglePlay(),
      help: () => undefined,
    }),
    [],
  );
  useKeyboard(commands);

  return (
    <main className="embed" aria-label={ts('embed.label')}>
      <ShareNotice />
      <div className="embed-bar" role="group" aria-label={t('controls.stepping')}>
        <button type="button" disabled={atFrom} onClick={onBack}>
          <span aria-hidden="true">← </span>
          {t('controls.back')}
        </button>
        <button type="button" className="primary" disabled={atTo} onClick={onStep}>
          {t('controls.step')}
          <span aria-hidden="true"> →</span>
        </button>
        <button type="button" disabled={range === null} onClick={onPlay}>
          {playing ? t('controls.pause') : t('controls.play')}
        </button>
        <span className="step-count">
          {t('status.step')}{' '}
          <output aria-label={t('status.stepLabel')} aria-live="off">
            {step}
          </output>
          {range && (range.from > 0 || range.to !== null) && (
            <span className="dim"> ({ts('embed.range', { from: range.from, to: range.to ?? '…' })})</span>
          )}
        </span>
        {fullLink && (
          <a className="embed-open" href={fullLink} target="_blank" rel="noreferrer">
            {ts('embed.open')}
          </a>
        )}
      </div>
      <NowCaption />
      <QueueBoard />
    </main>
  );
}
