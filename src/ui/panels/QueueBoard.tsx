import { useTranslation } from 'react-i18next';
import { AvailRing, DescriptorTable, DeviceState, DriverState, KickInterruptLayer, UsedRing } from '../components';
import { availRingChanges, usedRingChanges } from '../derive/ringInputs';
import { FreeRunNote } from '../perf/FreeRunNote';
import { actions, useSim } from '../store';

function QueuePicker({ count, current }: { count: number; current: number }) {
  const { t } = useTranslation();
  const follow = useSim((s) => s.followQueue);
  if (count < 2) return null;
  return (
    <div className="button-group queue-picker" role="group" aria-label={t('board.queues')}>
      <button type="button" aria-pressed={follow} onClick={() => actions.setFollowQueue(!follow)}>
        {t('board.follow')}
      </button>
      {Array.from({ length: count }, (_, q) => (
        <button
          key={q}
          type="button"
          aria-pressed={!follow && q === current}
          aria-current={q === current ? 'true' : undefined}
          onClick={() => actions.setQueueIndex(q)}
        >
          vq{q}
        </button>
      ))}
    </div>
  );
}

/** Guest | shared memory | device, for one virtqueue, with the kick/interrupt strip between the two sides. */
export function QueueBoard() {
  const { t } = useTranslation();
  const queues = useSim((s) => s.sim?.view.queues ?? null);
  const queueIndex = useSim((s) => s.queueIndex);
  const changed = useSim((s) => s.changed);
  const current = useSim((s) => s.sim?.current ?? null);
  const running = useSim((s) => s.playing || s.freeRunning);
  const freeRunning = useSim((s) => s.freeRunning);
  const queue = queues?.[queueIndex];
  if (!queues || !queue) return null;
  return (
    <section className="board" aria-labelledby="board-title">
      <div className="board-head">
        <h2 id="board-title" className="sr-only">
          {t('board.title', { q: queue.index })}
        </h2>
        <QueuePicker count={queues.length} current={queueIndex} />
        <FreeRunNote />
      </div>
      <KickInterruptLayer current={current} quiet={running} />
      <div className="columns">
        <div className="column column-guest">
          <h2 className="column-title">{t('board.guest')}</h2>
          <DriverState queue={queue} />
        </div>
        <div className="column column-shared">
          <h2 className="column-title">{t('board.shared')}</h2>
          <DescriptorTable queue={queue} changed={changed} />
          <div className="rings">
            <AvailRing queue={queue} changed={availRingChanges(changed, queue)} follow={!freeRunning} />
            <UsedRing queue={queue} changed={usedRingChanges(changed, queue)} follow={!freeRunning} />
          </div>
        </div>
        <div className="column column-device">
          <h2 className="column-title">{t('board.device')}</h2>
          <DeviceState queue={queue} />
        </div>
      </div>
    </section>
  );
}
