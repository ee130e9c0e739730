import type { Machine } from './machine';

/**
 * Why a run that stalled (nothing can move, requests unfinished) is stuck, per queue, read from the state both
 * sides are left in. A hang gives no error message on either side, so this is what says what went wrong.
 */
export type StallReason =
  /** Stopped after -ENOSPC with nothing in flight: no completion will restart it (descriptors leaked). */
  | { kind: 'ring-exhausted'; queue: number; num_free: number; size: number }
  /** Used buffers the driver never collected, with no interrupt on its way (an interrupt was lost). */
  | { kind: 'used-not-collected'; queue: number; used: number }
  /** Available buffers the device never popped, with no kick on its way (a kick was lost). */
  | { kind: 'avail-not-seen'; queue: number; avail: number };

export function stallReasons(m: Machine): StallReason[] {
  const out: StallReason[] = [];
  const vqs = m.driver.vqs;
  vqs.forEach((vq, q) => {
    const { num_free, num, last_used_idx } = vq.state;
    if (m.driver.isStopped(q) && m.driver.inFlight(q) === 0 && num_free < num) {
      out.push({ kind: 'ring-exhausted', queue: q, num_free, size: num });
    }
    const used = (vq.ring.usedIdx() - last_used_idx) & 0xffff;
    if (used > 0 && !m.pendingInterrupts[q]) out.push({ kind: 'used-not-collected', queue: q, used });
    const devq = m.device.vdev.vq[q]?.queue;
    const avail = devq ? (vq.ring.availIdx() - devq.state.last_avail_idx) & 0xffff : 0;
    if (avail > 0 && !m.doorbells[q]) out.push({ kind: 'avail-not-seen', queue: q, avail });
  });
  return out;
}
