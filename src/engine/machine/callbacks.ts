import type { VirtIOBlock } from '../../devices/blk/device';
import type { VirtioBlk } from '../../devices/blk/driver';
import type { VirtblkReq } from '../../devices/blk/driverTypes';
import { message } from '../messages';
import type { OperationCapture } from './capture';
import type { DataModel } from './dataModel';
import type { FaultInjector } from './faults';
import type { MachineCounters } from './machineState';
import { noteDeviceError } from './operationNotes';
import { SIG } from './signals';

/** What the driver's and device's callbacks need of the machine (they run inside an operation). */
export interface CallbackHost {
  readonly capture: OperationCapture;
  readonly faults: FaultInjector;
  readonly data: DataModel;
  /** Read at each call: a restored machine has new counters. */
  counters(): MachineCounters;
  eventIdx(): boolean;
  /** The shared signal words while free-running, else null. */
  signals(): Int32Array | null;
  setDoorbell(q: number, on: boolean): void;
  setIrq(q: number, on: boolean): void;
  /** A finished request leaves the driver's map for the short list of recent ones. */
  retire(id: number): void;
}

/** The driver's notify: virtqueue_notify() ringing queue `q`'s doorbell, unless a fault drops the kick. */
export function onKick(host: CallbackHost, q: number): boolean {
  if (host.faults.dropKick(q)) {
    host.counters().kicks_lost++;
    host.capture.note({ type: 'kick-lost', queue: q }, message('fault.kickLost', { q }));
    return true;
  }
  host.counters().kicks++;
  host.setDoorbell(q, true);
  // virtqueue_notify calls vq->notify (vp_notify for virtio-pci); so does virtqueue_add_split itself when the
  // ring is full (its forced notify), without virtqueue_notify.
  const fn = host.capture.currentFn === 'virtqueue_notify' ? 'virtqueue_notify' : 'vp_notify';
  host.capture.note({ type: 'kick', queue: q }, message('kick.sent', { q }), fn);
  return true;
}

export function wireCallbacks(driver: VirtioBlk, device: VirtIOBlock, host: CallbackHost): void {
  driver.onKickDecision = (q, kick) => {
    if (kick) return;
    host.counters().kicks_suppressed++;
    const why = message(host.eventIdx() ? 'kick.suppressed.eventIdx' : 'kick.suppressed.noNotify');
    host.capture.note({ type: 'kick-suppressed', queue: q }, why, 'virtqueue_kick_prepare');
  };
  driver.onRingFull = (q) => {
    host.counters().ring_full++;
    host.capture.note({ type: 'ring-full', queue: q }, message('ringFull', { q }));
  };
  driver.onRequestDone = (req: VirtblkReq) => {
    host.counters().completed++;
    const signals = host.signals();
    if (signals) Atomics.add(signals, SIG.COMPLETED, 1);
    const status = req.statusByte ?? -1;
    host.data.completed(req);
    host.capture.note(
      { type: 'completed', request: req.id, status, queue: req.queue },
      message('completed', { request: req.id, op: req.op, result: String(req.result) }),
      'virtblk_request_done',
    );
    // Stepping, it stays listed until the step that completes it is played; free-running, it goes now.
    if (!host.capture.capturing) host.retire(req.id);
  };
  device.onInterrupt = (source) => {
    if (source === 'config') {
      // Sent from inside virtio_error(): the error it reports is the step before.
      const error = device.errors.at(-1);
      if (error && device.vdev.needsReset) noteDeviceError(host.capture, error);
      host.capture.note({ type: 'interrupt', queue: -1 }, message('interrupt.config'));
      return;
    }
    if (host.faults.dropInterrupt(source)) {
      host.counters().interrupts_lost++;
      host.capture.note({ type: 'interrupt-lost', queue: source }, message('fault.interruptLost', { q: source }));
      return;
    }
    host.counters().interrupts++;
    host.setIrq(source, true);
    host.capture.note({ type: 'interrupt', queue: source }, message('interrupt.sent', { q: source }), device.notifyFn);
  };
  device.onRequestDropped = (record) => {
    // The I/O ran and wrote the status byte, but a broken device returns nothing: the run ends on why.
    const error = device.errors.at(-1);
    let request = -1;
    for (const r of driver.requests.values()) {
      if (r.state === 'in-flight' && r.queue === record.queue && r.head === record.head) request = r.id;
    }
    host.capture.note(
      { type: 'io-done', request, status: record.status ?? -1 },
      message('device.dropped', { request, error: error?.message ?? '' }),
      'virtqueue_push',
    );
  };
  device.onNotifyDecision = (q, sent) => {
    if (sent) return;
    host.counters().interrupts_suppressed++;
    const why = message(host.eventIdx() ? 'interrupt.suppressed.eventIdx' : 'interrupt.suppressed.noInterrupt');
    host.capture.note({ type: 'interrupt-suppressed', queue: q }, why, device.notifyFn);
  };
}
