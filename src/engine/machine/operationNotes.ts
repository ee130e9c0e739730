import type { AllocationMap } from '../../virtio/allocationMap';
import type { VirtioError } from '../../virtio/errors';
import type { GuestMemory } from '../../virtio/guestMemory';
import { message, namingRegion } from '../messages';
import type { OperationCapture } from './capture';

/**
 * Steps for what writes nothing to guest memory yet matters to the story: reads of a request's segments and the
 * errors either side reports.
 */

/** A device reading a request's header or data (or the guest reading what came back) is a step of its own. */
export function noteSegmentReads(mem: GuestMemory, capture: OperationCapture, alloc: AllocationMap): void {
  mem.readObserver = (addr, len) => {
    if (!capture.capturing) return;
    const region = alloc.regionAt(addr);
    const label = region?.label ?? 'guest memory';
    const read = message('segment.read', { label, bytes: len, addr: `0x${addr.toString(16)}` });
    capture.note(
      { type: 'segment-read', addr, len, ...(region?.owner !== undefined ? { request: region.owner } : {}) },
      // The region's parts go with its label, so the UI can name it in its own language.
      region ? namingRegion(read, 'label', region) : read,
    );
  };
}

/** Device errors already shown as a step, where virtio_error ran (see noteDeviceError). */
const notedDeviceErrors = new WeakSet<VirtioError>();

/**
 * Notes a device error as a step now, once: where QEMU's virtio_error() runs, before the configuration interrupt
 * it sends, so the cause comes before its effects. noteNewErrors then leaves it out.
 */
export function noteDeviceError(capture: OperationCapture, error: VirtioError): void {
  if (notedDeviceErrors.has(error)) return;
  notedDeviceErrors.add(error);
  capture.noteInLastCall(
    { type: 'error', error },
    // QEMU's own wording, quoted as it is in every language.
    message('device.error', { message: error.message, spec: error.spec }),
    error.where,
  );
}

/**
 * Notes the errors an operation raised and did not show yet: `deviceErrors` the device's new ones,
 * `driverBefore` / `driverNow` the driver's last error before and after.
 */
export function noteNewErrors(
  capture: OperationCapture,
  deviceErrors: readonly VirtioError[],
  driverBefore: VirtioError | null,
  driverNow: VirtioError | null,
): void {
  for (const error of deviceErrors) noteDeviceError(capture, error);
  // Linux's BAD_RING: the driver stops trusting the ring (a device that wrote a bad used element, say).
  if (driverNow !== null && driverNow !== driverBefore) {
    capture.noteInLastCall(
      { type: 'error', error: driverNow },
      message('driver.error', { message: driverNow.message, spec: driverNow.spec }),
      driverNow.where,
    );
  }
}
