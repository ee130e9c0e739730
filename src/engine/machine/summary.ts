import { formatStatus } from '../../virtio/device/deviceStatus';
import { featuresToHex } from '../../virtio/features';
import type { Machine, RunEnd } from './machine';

export interface QueueSummary {
  index: number;
  size: number;
  avail_idx: number;
  used_idx: number;
  last_avail_idx: number;
  last_used_idx: number;
  num_free: number;
}

/** The CLI's `--format summary` object: what happened, and where every index ended. */
export interface RunSummary {
  scenario: string;
  seed: number;
  end: RunEnd | 'running';
  steps: number;
  requests: number;
  completed: number;
  kicks: number;
  kicks_suppressed: number;
  interrupts: number;
  interrupts_suppressed: number;
  kicks_lost: number;
  interrupts_lost: number;
  ring_full: number;
  device_status: number;
  device_status_names: string;
  features: string;
  errors: { kind: string; side: string; message: string; spec: string; where: string }[];
  data: { verified_reads: number; unverifiable_reads: number; mismatches: number };
  queues: QueueSummary[];
}

export function summarize(m: Machine): RunSummary {
  const c = m.counters;
  const vdev = m.device.vdev;
  const errors = [...vdev.errors, ...(m.driver.lastError ? [m.driver.lastError] : [])].map((e) => ({
    kind: e.kind,
    side: e.side,
    message: e.message,
    spec: e.spec,
    where: e.where,
  }));
  return {
    scenario: m.scenario.name,
    seed: m.seed,
    end: m.ended ?? 'running',
    steps: m.stepCount,
    requests: c.requests,
    completed: c.completed,
    kicks: c.kicks,
    kicks_suppressed: c.kicks_suppressed,
    interrupts: c.interrupts,
    interrupts_suppressed: c.interrupts_suppressed,
    kicks_lost: c.kicks_lost,
    interrupts_lost: c.interrupts_lost,
    ring_full: c.ring_full,
    device_status: vdev.status,
    device_status_names: formatStatus(vdev.status),
    features: featuresToHex(m.features),
    errors,
    data: {
      verified_reads: m.dataChecks.verified,
      unverifiable_reads: m.dataChecks.unverifiable,
      mismatches: m.dataChecks.mismatches,
    },
    queues: m.driver.vqs.map((vq, q) => {
      const devq = vdev.vq[q]?.queue ?? null;
      return {
        index: q,
        size: vq.state.num,
        avail_idx: vq.ring.availIdx(),
        used_idx: vq.ring.usedIdx(),
        last_avail_idx: devq?.state.last_avail_idx ?? 0,
        last_used_idx: vq.state.last_used_idx,
        num_free: vq.state.num_free,
      };
    }),
  };
}
