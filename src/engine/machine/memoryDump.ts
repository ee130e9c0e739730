import { featuresToHex } from '../../virtio/features';
import type { Machine } from './machine';

/** The description written beside a raw guest-memory dump: where each ring is, and what was negotiated. */
export interface MemoryDumpDescription {
  memory_size: number;
  features: string;
  queues: { index: number; size: number; desc: number; avail: number; used: number }[];
  regions: { start: number; size: number; kind: string; label: string }[];
}

export function describeMemory(m: Machine): MemoryDumpDescription {
  return {
    memory_size: m.mem.size,
    features: featuresToHex(m.features),
    queues: m.driver.vqs.map((vq, index) => ({ index, ...vq.ring.addrs })),
    regions: m.alloc.all().map((r) => ({ start: r.start, size: r.size, kind: r.kind, label: r.label })),
  };
}
