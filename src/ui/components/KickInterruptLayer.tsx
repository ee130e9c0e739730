import { useTranslation } from 'react-i18next';
import type { StepEvent, StepRecord } from '../../engine/step';

type Signal = 'kick' | 'interrupt' | 'kick-suppressed' | 'interrupt-suppressed' | 'kick-lost' | 'interrupt-lost';

const SIGNALS: readonly Signal[] = [
  'kick',
  'interrupt',
  'kick-suppressed',
  'interrupt-suppressed',
  'kick-lost',
  'interrupt-lost',
];

const TEST_ID: Record<Signal, string> = {
  kick: 'kick-animation',
  interrupt: 'interrupt-animation',
  'kick-suppressed': 'kick-suppressed',
  'interrupt-suppressed': 'interrupt-suppressed',
  'kick-lost': 'kick-lost',
  'interrupt-lost': 'interrupt-lost',
};

const isSignal = (e: StepEvent): e is Extract<StepEvent, { type: Signal }> =>
  (SIGNALS as readonly string[]).includes(e.type);

/**
 * The notifications of the current step, between the guest and the device: a kick travels from the guest to the
 * device, an interrupt back; a suppressed one stays crossed out where it was decided. With reduced motion the
 * token is drawn still, at its destination. `quiet` keeps them out of the screen reader's live region.
 */
export function KickInterruptLayer({ current, quiet = false }: { current: StepRecord | null; quiet?: boolean }) {
  const { t } = useTranslation('rings');
  const signals = (current?.events ?? []).filter(isSignal);
  return (
    <div className="vr-notify" role="group" aria-label={t('notify.label')}>
      <div className="vr-notify-end vr-notify-guest">{t('notify.guest')}</div>
      <div className="vr-notify-track">
        <span className="vr-notify-rail" aria-hidden="true" />
        {signals.length === 0 && <span className="vr-notify-none">{t('notify.none')}</span>}
        {signals.map((e, k) => {
          const up = e.type.startsWith('kick');
          const variant = e.type.endsWith('suppressed') ? 'suppressed' : e.type.endsWith('lost') ? 'lost' : 'moving';
          return (
            <span
              key={`${current!.index}-${k}`}
              data-testid={TEST_ID[e.type]}
              className={`vr-token vr-token-${up ? 'kick' : 'interrupt'} vr-token-${variant}`}
            >
              {variant === 'moving' && !up && (
                <span aria-hidden="true" className="vr-token-dir">
                  ◀
                </span>
              )}
              {variant !== 'moving' && (
                <span aria-hidden="true" className="vr-token-icon">
                  {up ? '▶' : '◀'}
                </span>
              )}
              <span className="vr-token-text">{t(`notify.${e.type}`, { queue: e.queue })}</span>
              {variant === 'moving' && up && (
                <span aria-hidden="true" className="vr-token-dir">
                  ▶
                </span>
              )}
            </span>
          );
        })}
      </div>
      <div className="vr-notify-end vr-notify-device">{t('notify.device')}</div>
      {/* Quiet while Play or free-run go on: a kick every few steps would bury everything else a reader says. */}
      <p className="vr-sr" aria-live="polite">
        {quiet ? '' : signals.map((e) => t(`notify.say.${e.type}`, { queue: e.queue })).join(' ')}
      </p>
    </div>
  );
}
