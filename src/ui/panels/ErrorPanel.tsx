import { useTranslation } from 'react-i18next';
import { VIRTIO_CONFIG_S_NEEDS_RESET } from '../../virtio/constants';
import type { VirtioError } from '../../virtio/errors';
import { functionUrl } from '../code/links';
import { showsErrors } from '../derive/errors';
import { actions, useSim } from '../store';

function ErrorItem({ error }: { error: VirtioError }) {
  const { t } = useTranslation();
  const tree = error.side === 'device' ? 'qemu' : 'linux';
  return (
    <li className="error-item">
      <p className="error-message">
        <span className="error-side">{t(`errors.side.${error.side}`)}</span> <q>{error.message}</q>
      </p>
      <dl className="error-facts">
        <dt>{t('errors.spec')}</dt>
        <dd>§{error.spec}</dd>
        <dt>{t('errors.where')}</dt>
        <dd>
          <a href={functionUrl(error.where, tree)} target="_blank" rel="noreferrer">
            <code>{error.where}</code>
          </a>
        </dd>
        <dt>{t('errors.wording')}</dt>
        <dd>{error.qemuChecks ? t(`errors.realWording.${tree}`) : t('errors.ourWording')}</dd>
        {error.caveat && (
          <>
            <dt>{t('errors.caveatTitle')}</dt>
            <dd>{t(`errors.caveat.${error.caveat}`)}</dd>
          </>
        )}
        {error.detail && Object.keys(error.detail).length > 0 && (
          <>
            <dt>{t('errors.detail')}</dt>
            <dd>
              {Object.entries(error.detail)
                .map(([k, v]) => `${k} = ${String(v)}`)
                .join(', ')}
            </dd>
          </>
        )}
      </dl>
    </li>
  );
}

/** The panel disappears with its button, so keyboard focus goes to the start of the simulation. */
async function resetAndRefocus(): Promise<void> {
  await actions.load();
  document.getElementById('main')?.focus();
}

/**
 * Shown when the device wants a reset (DEVICE_NEEDS_RESET), when the driver gave up, or when the client refused a
 * command (a worker that died). Reset reloads the scenario.
 */
export function ErrorPanel() {
  const { t } = useTranslation();
  const view = useSim((s) => s.sim?.view ?? null);
  const lastError = useSim((s) => s.lastError);
  const deviceBroken = view !== null && showsErrors(view);
  if (!deviceBroken && lastError === null) return null;
  const needsReset = view !== null && (view.deviceStatus & VIRTIO_CONFIG_S_NEEDS_RESET) !== 0;
  // Only the device sets DEVICE_NEEDS_RESET; a driver that found the device misbehaving gives up on its own.
  const driverGaveUp =
    !needsReset && view !== null && (view.ended === 'driver-error' || view.errors.some((e) => e.side === 'driver'));
  const title = lastError !== null ? 'errors.clientTitle' : driverGaveUp ? 'errors.driverTitle' : 'errors.title';
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">{t(title)}</h2>
      {lastError !== null && (
        <p>
          {t('errors.client')} <code>{lastError}</code>
        </p>
      )}
      {deviceBroken && view && (
        <>
          {needsReset && <p>{t('errors.needsReset', { status: view.deviceStatusNames.join(' | ') })}</p>}
          {driverGaveUp && <p>{t('errors.driverBroken')}</p>}
          {view.errors.length > 0 ? (
            <ul className="error-list">
              {view.errors.map((e, i) => (
                <ErrorItem key={`${e.kind}-${i}`} error={e} />
              ))}
            </ul>
          ) : (
            <p>{t(`status.ended.${view.ended ?? 'device-error'}`)}</p>
          )}
        </>
      )}
      <div className="error-actions">
        <button type="button" className="primary" onClick={() => void resetAndRefocus()}>
          {t('errors.reset')}
        </button>
        {lastError !== null && (
          <button type="button" onClick={() => actions.dismissError()}>
            {t('errors.dismiss')}
          </button>
        )}
      </div>
    </section>
  );
}
