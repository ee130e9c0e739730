import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  snapshotQueueView,
  SNAPSHOT_UNKNOWN_DEVICE_FIELDS,
  snapshotNotReported,
  snapshotUndrawable,
  uncapturedIndirect,
  type RingSnapshot,
} from '../../../import/snapshot';
import { AvailRing, DescriptorTable, DeviceState, UsedRing, type DeviceStateProps } from '../../components';
import { hex } from '../../components/format';
import { useSafeId } from '../../components/useSafeId';
import { VhostDecisionLine } from './VhostDecisionLine';

/** Nothing flashes: a snapshot is one instant. */
const NOTHING_CHANGED = new Set<number>();

/**
 * A snapshot's ring drawn by the simulation's own components (guest | shared memory | device), through the pure
 * adapter snapshotQueueView. The driver's private state is not captured, so its column says so instead.
 */
export function SnapshotRing({
  snapshot,
  descriptors = true,
  guest = true,
  context,
}: {
  snapshot: RingSnapshot;
  /** Draw the descriptor table (left out side by side, where the two rings matter most). */
  descriptors?: boolean;
  /** Draw the guest column's "not captured" panel. */
  guest?: boolean;
  /** Whose ring this is, in the descriptor table's title and landmark names (default: the status file's name). */
  context?: string;
}) {
  const { t } = useTranslation('snapshot');
  const guestId = useSafeId();
  const queue = useMemo(() => snapshotQueueView(snapshot), [snapshot]);
  const unreadNotes = useMemo(() => {
    const notes = new Map<number, string>();
    for (const [via, u] of uncapturedIndirect(snapshot)) {
      const at = { addr: hex(u.addr, 8), len: u.len, count: u.entries };
      notes.set(via, `${t('ring.notCaptured', at)}${u.queried ? ` ${t('ring.seeElement')}` : ''}`);
    }
    return notes;
  }, [snapshot, t]);
  // A snapshot never holds notification or broken, and a vhost device's status leaves some of QEMU's indices out:
  // said so, never drawn from the view's placeholder.
  const withheld = useMemo<DeviceStateProps['withheld']>(
    () => ({
      ...Object.fromEntries(SNAPSHOT_UNKNOWN_DEVICE_FIELDS.map((f) => [f, t('notes.unknown')])),
      ...Object.fromEntries(snapshotNotReported(snapshot).map((f) => [f, t('notes.notReportedVhost')])),
    }),
    [snapshot, t],
  );
  const undrawable = snapshotUndrawable(snapshot);
  return (
    <div className="columns snap-columns">
      {guest && (
        <div className="column column-guest">
          <section className="vr-panel vr-side vr-side-guest" aria-labelledby={guestId}>
            <h3 id={guestId} className="vr-panel-title">
              {t('guest.title')}
            </h3>
            <p className="vr-note" data-testid="driver-not-captured">
              {t('guest.notCaptured')}
            </p>
          </section>
        </div>
      )}
      <div className="column column-shared">
        {descriptors && (
          <DescriptorTable
            queue={queue}
            changed={NOTHING_CHANGED}
            context={context ?? t('ring.context', { file: snapshot.statusFile })}
            unreadNotes={unreadNotes}
          />
        )}
        <div className="rings">
          <AvailRing
            queue={queue}
            changed={NOTHING_CHANGED}
            driverKnown={false}
            context={context}
            deviceUndrawable={undrawable}
          />
          <UsedRing queue={queue} changed={NOTHING_CHANGED} driverKnown={false} context={context} />
        </div>
      </div>
      <div className="column column-device">
        <DeviceState queue={queue} withheld={withheld} differenceNotes={false} context={context} />
        <VhostDecisionLine decision={snapshot.vhostDecision} />
      </div>
    </div>
  );
}
