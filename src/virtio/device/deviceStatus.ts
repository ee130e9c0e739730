import {
  VIRTIO_CONFIG_S_ACKNOWLEDGE,
  VIRTIO_CONFIG_S_DRIVER,
  VIRTIO_CONFIG_S_DRIVER_OK,
  VIRTIO_CONFIG_S_FAILED,
  VIRTIO_CONFIG_S_FEATURES_OK,
  VIRTIO_CONFIG_S_NEEDS_RESET,
  VIRTIO_CONFIG_S_SUSPEND,
} from '../constants';
import { hex, type VirtioError } from '../errors';
import { err, ok, type Result } from '../types';
import { invalidStatusTransition } from './deviceErrors';

/** The device status bits in the order the spec lists them (§2.1), with Linux's short names. */
export const STATUS_BITS: readonly { bit: number; name: string }[] = [
  { bit: VIRTIO_CONFIG_S_ACKNOWLEDGE, name: 'ACKNOWLEDGE' },
  { bit: VIRTIO_CONFIG_S_DRIVER, name: 'DRIVER' },
  { bit: VIRTIO_CONFIG_S_FEATURES_OK, name: 'FEATURES_OK' },
  { bit: VIRTIO_CONFIG_S_DRIVER_OK, name: 'DRIVER_OK' },
  { bit: VIRTIO_CONFIG_S_SUSPEND, name: 'SUSPEND' },
  { bit: VIRTIO_CONFIG_S_NEEDS_RESET, name: 'DEVICE_NEEDS_RESET' },
  { bit: VIRTIO_CONFIG_S_FAILED, name: 'FAILED' },
];

/** Names of the bits set in `status`, in spec order; unknown bits appear as hex. */
export function statusNames(status: number): string[] {
  const names = STATUS_BITS.filter(({ bit }) => (status & bit) !== 0).map(({ name }) => name);
  const known = STATUS_BITS.reduce((acc, { bit }) => acc | bit, 0);
  const unknown = status & 0xff & ~known;
  for (let b = 1; b <= 0x80; b <<= 1) if (unknown & b) names.push(hex(b));
  return names;
}

/** "ACKNOWLEDGE|DRIVER (0x3)", or "0 (reset)". */
export const formatStatus = (status: number): string =>
  status === 0 ? '0 (reset)' : `${statusNames(status).join('|')} (${hex(status)})`;

/**
 * Which bit each newly set bit needs, following the initialisation order of spec §3.1.1. DRIVER_OK needs
 * FEATURES_OK only once VERSION_1 is negotiated: a legacy driver has no FEATURES_OK step.
 */
function prerequisite(bit: number, versionOne: boolean): number {
  switch (bit) {
    case VIRTIO_CONFIG_S_DRIVER:
      return VIRTIO_CONFIG_S_ACKNOWLEDGE;
    case VIRTIO_CONFIG_S_FEATURES_OK:
      return VIRTIO_CONFIG_S_DRIVER;
    case VIRTIO_CONFIG_S_DRIVER_OK:
      return versionOne ? VIRTIO_CONFIG_S_FEATURES_OK : VIRTIO_CONFIG_S_DRIVER;
    default:
      return 0;
  }
}

/**
 * Whether a driver may write `val` over `old` (spec §2.1.1, §3.1.1). Writing 0 (reset) is always allowed.
 * QEMU's virtio_set_status() stores whatever the driver writes; these are the spec's rules, so the visualizer
 * can show a driver breaking them. DEVICE_NEEDS_RESET belongs to the device: the driver may write it back
 * (Linux's virtio_add_status() ORs into the status it read), but may not set it itself.
 */
export function checkStatusTransition(old: number, val: number, versionOne: boolean): Result<void, VirtioError> {
  if (!Number.isInteger(val) || val < 0 || val > 0xff) {
    return err(invalidStatusTransition(old, val, `the status register is 8 bits; ${val} does not fit`, '2.1'));
  }
  if (val === 0) return ok(undefined);
  const cleared = old & ~val & ~VIRTIO_CONFIG_S_NEEDS_RESET;
  if (cleared !== 0) {
    return err(
      invalidStatusTransition(
        old,
        val,
        `the driver must not clear ${statusNames(cleared).join('|')}: only a reset (writing 0) clears status bits`,
        '2.1.1',
      ),
    );
  }
  const added = val & ~old;
  if (added & VIRTIO_CONFIG_S_NEEDS_RESET) {
    return err(invalidStatusTransition(old, val, 'DEVICE_NEEDS_RESET is set by the device, not the driver', '2.1.1'));
  }
  if (added & VIRTIO_CONFIG_S_SUSPEND) {
    return err(
      invalidStatusTransition(old, val, 'SUSPEND needs VIRTIO_F_SUSPEND, which this device does not offer', '2.1.1'),
    );
  }
  if (old & VIRTIO_CONFIG_S_FAILED && added !== 0) {
    return err(
      invalidStatusTransition(
        old,
        val,
        'after FAILED the driver must reset the device before initialising it',
        '2.1.1',
      ),
    );
  }
  for (const { bit, name } of STATUS_BITS) {
    if (!(added & bit)) continue;
    const needs = prerequisite(bit, versionOne);
    if (needs !== 0 && !(val & needs)) {
      const needName = STATUS_BITS.find((s) => s.bit === needs)!.name;
      return err(invalidStatusTransition(old, val, `${name} set before ${needName}`, '3.1.1'));
    }
  }
  return ok(undefined);
}
