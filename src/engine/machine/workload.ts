import type { Scenario } from '../scenario/schema';
import type { BlkOp } from '../../devices/blk/driverTypes';

/** One request a vCPU will submit. */
export interface WorkItem {
  op: BlkOp;
  sector: number;
  nsectors: number;
  queue: number;
  /** Scheduler operations the vCPU waits after submitting it. */
  think: number;
}

const OPS: Record<Scenario['workload']['ops'][number]['op'], BlkOp> = {
  read: 'read',
  write: 'write',
  flush: 'flush',
  'get-id': 'get-id',
  discard: 'discard',
  'write-zeroes': 'write-zeroes',
};

/** A counter-based hash (splitmix32): the i-th random request is a pure function of (seed, i), so nothing to checkpoint. */
function mix(seed: number, i: number, salt: number): number {
  let z = (seed ^ Math.imul(i + 1, 0x9e3779b9) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The workload of one vCPU (vCPU q submits on queue q, as blk-mq maps one CPU to one hardware queue), as a
 * length and a pure function from position to request, so a vCPU's whole state is one index.
 */
export class Workload {
  private readonly fixed: WorkItem[];
  private readonly randomCount: number;

  constructor(
    private readonly scenario: Scenario,
    private readonly seed: number,
    readonly queue: number,
  ) {
    this.fixed = [];
    for (const op of scenario.workload.ops) {
      if (op.queue !== queue) continue;
      for (let k = 0; k < op.count; k++) {
        this.fixed.push({
          op: OPS[op.op],
          sector: op.sector + k * op.sectors,
          nsectors: op.sectors,
          queue,
          think: op.think,
        });
      }
    }
    const random = scenario.workload.random;
    const queues = scenario.queue.count;
    // Random requests are dealt round-robin over the queues.
    this.randomCount = random ? Math.floor(random.requests / queues) + (queue < random.requests % queues ? 1 : 0) : 0;
  }

  get length(): number {
    return this.fixed.length + this.randomCount;
  }

  at(i: number): WorkItem {
    if (i < this.fixed.length) return this.fixed[i]!;
    const random = this.scenario.workload.random!;
    const k = i - this.fixed.length;
    const nsectors = 1 + (mix(this.seed, k, this.queue * 3 + 1) % random.maxSectors);
    const span = Math.max(1, this.scenario.device.capacity - nsectors + 1);
    const sector = mix(this.seed, k, this.queue * 3 + 2) % span;
    const isRead = mix(this.seed, k, this.queue * 3 + 3) % 10000 < random.readPercent * 100;
    return { op: isRead ? 'read' : 'write', sector, nsectors, queue: this.queue, think: 0 };
  }
}

/** The bytes a write request carries: a pattern of (request id, sector, offset), so a later read can be checked. */
export function writePattern(seed: number, requestId: number, sector: number, nsectors: number): Uint8Array {
  const out = new Uint8Array(nsectors * 512);
  for (let s = 0; s < nsectors; s++) fillSector(out.subarray(s * 512, (s + 1) * 512), seed, requestId, sector + s);
  return out;
}

export function fillSector(target: Uint8Array, seed: number, requestId: number, sector: number): void {
  let x = mix(seed, requestId, sector) | 1;
  for (let i = 0; i < 512; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    target[i] = x & 0xff;
    target[i + 1] = (x >>> 8) & 0xff;
    target[i + 2] = (x >>> 16) & 0xff;
    target[i + 3] = (x >>> 24) & 0xff;
  }
}
