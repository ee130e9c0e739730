import type { MachineView } from '../../engine/view';
import { VIRTIO_CONFIG_S_NEEDS_RESET } from '../../virtio/constants';

/** True when the error panel has something to say: the device wants a reset, or either side reported an error. */
export function showsErrors(view: MachineView): boolean {
  return (
    (view.deviceStatus & VIRTIO_CONFIG_S_NEEDS_RESET) !== 0 ||
    view.errors.length > 0 ||
    view.ended === 'device-error' ||
    view.ended === 'driver-error'
  );
}
