import { z } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini: the same validation core and English messages as zod, without its chained methods, so the page that
// validates the built-in scenarios at start carries a fraction of the library.
z.config(en());

/**
 * A scenario: everything that, with a seed, fixes a run. Versioned so that links and files made today keep
 * opening. Field names follow the spec and QEMU's properties (queue-size, num-queues, iothread).
 */
export const SCENARIO_VERSION = 1;

/** An integer in [min, max] (either bound optional), as zod's `z.number().int().min(min).max(max)`. */
const int = (min?: number, max?: number) => {
  const checks = [...(min === undefined ? [] : [z.gte(min)]), ...(max === undefined ? [] : [z.lte(max)])];
  return z.int().check(...checks);
};
const u16 = int(0, 0xffff);
const powerOfTwo = (max: number) =>
  int(1, max).check(z.refine((n) => (n & (n - 1)) === 0, { message: 'must be a power of 2' }));

export const FEATURE_NAMES = [
  'VERSION_1',
  'RING_INDIRECT_DESC',
  'RING_EVENT_IDX',
  'NOTIFY_ON_EMPTY',
  'BLK_F_SIZE_MAX',
  'BLK_F_SEG_MAX',
  'BLK_F_BLK_SIZE',
  'BLK_F_FLUSH',
  'BLK_F_MQ',
  'BLK_F_DISCARD',
  'BLK_F_WRITE_ZEROES',
  'BLK_F_RO',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

const operation = z.strictObject({
  op: z.enum(['read', 'write', 'flush', 'get-id', 'discard', 'write-zeroes']),
  /** First sector (512 bytes each). */
  sector: z._default(int(0), 0),
  /** Length in sectors (ignored for flush and get-id). */
  sectors: z._default(int(1, 2048), 8),
  /** How many times to issue it; consecutive repeats advance the sector by `sectors`. */
  count: z._default(int(1, 1_000_000), 1),
  /** The virtqueue (blk-mq hardware queue) it is submitted on. */
  queue: z._default(int(0, 15), 0),
  /** Scheduler steps the submitter waits before the next operation. */
  think: z._default(int(0, 10_000), 0),
});

const randomWorkload = z.strictObject({
  requests: int(1, 10_000_000),
  readPercent: z._default(z.number().check(z.gte(0), z.lte(100)), 50),
  maxSectors: z._default(int(1, 256), 8),
});

export const FAULT_KINDS = [
  'looped-chain',
  'index-jump',
  'head-out-of-range',
  'skip-kick',
  'bad-used-len',
  'lost-interrupt',
  'zero-length-desc',
  'write-before-read',
  'missing-barrier',
  'avail-idx-no-wrap',
  'leaked-descriptor',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const fault = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  /**
   * The request (0-based, in submission order) at which the fault is injected. avail-idx-no-wrap is a bug in
   * the driver's code: it acts on this request and every later one.
   */
  atRequest: z._default(int(0), 0),
  /** For index-jump: how far the driver moves avail.idx past what it filled. */
  by: z.optional(int(1, 0xffff)),
});

export const scenarioSchema = z
  .strictObject({
    version: z.literal(SCENARIO_VERSION),
    name: z
      .string()
      .check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'), z.maxLength(64)),
    title: z.string().check(z.minLength(1), z.maxLength(120)),
    description: z._default(z.string().check(z.maxLength(2000)), ''),
    features: z._default(z.array(z.enum(FEATURE_NAMES)), [
      'VERSION_1',
      'RING_INDIRECT_DESC',
      'RING_EVENT_IDX',
      'BLK_F_FLUSH',
    ]),
    queue: z.prefault(
      z.strictObject({
        size: z._default(powerOfTwo(1024), 8),
        count: z._default(int(1, 16), 1),
        /** Free-running index value both sides start from, to show wraparound without 65536 requests. */
        startIndex: z._default(u16, 0),
      }),
      {},
    ),
    device: z.prefault(
      z.strictObject({
        /** Disk size in 512-byte sectors. */
        capacity: z._default(int(1, 1 << 20), 2048),
        /** IOThreads serving the queues; queue q is served by IOThread q mod iothreads. */
        iothreads: z._default(int(1, 16), 1),
        /** Scheduler steps from submission to completion: a fixed value or a seeded-random [min, max]. */
        latency: z._default(z.union([int(0, 100_000), z.tuple([int(0), int(0)])]), 1),
        completionOrder: z._default(z.enum(['fifo', 'reverse', 'random']), 'fifo'),
      }),
      {},
    ),
    guest: z.prefault(
      z.strictObject({
        /** Memory of the guest in bytes. */
        memory: z._default(int(64 * 1024, 64 * 1024 * 1024), 1024 * 1024),
        /** Who moves next in step mode. */
        interleaving: z._default(z.enum(['guest-first', 'device-first', 'alternate', 'random']), 'alternate'),
      }),
      {},
    ),
    workload: z
      .strictObject({
        ops: z._default(z.array(operation), []),
        random: z.optional(randomWorkload),
      })
      .check(z.refine((w) => w.ops.length > 0 || w.random !== undefined, { message: 'needs ops or random' })),
    faults: z._default(z.array(fault), []),
    /** How a correct run of this scenario ends; tests hold the engine to it. */
    expect: z.prefault(
      z.strictObject({
        /** 'stalled': nothing can move any more while requests are unfinished (a hang, not an error). */
        end: z._default(z.enum(['completed', 'device-error', 'driver-error', 'stalled']), 'completed'),
        error: z.optional(z.string()),
      }),
      {},
    ),
  })
  .check(
    z.superRefine((s, ctx) => {
      for (const [i, op] of s.workload.ops.entries()) {
        if (op.queue >= s.queue.count) {
          ctx.addIssue({
            code: 'custom',
            path: ['workload', 'ops', i, 'queue'],
            message: `queue ${op.queue} does not exist (queue.count is ${s.queue.count})`,
          });
        }
        if (op.sector + op.sectors * op.count > s.device.capacity && (op.op === 'read' || op.op === 'write')) {
          // Allowed on purpose: out-of-range I/O is a lesson (the device answers IOERR), not a scenario error.
        }
      }
      if (Array.isArray(s.device.latency) && s.device.latency[0] > s.device.latency[1]) {
        ctx.addIssue({ code: 'custom', path: ['device', 'latency'], message: 'min must not exceed max' });
      }
      if (s.queue.count > 1 && !s.features.includes('BLK_F_MQ')) {
        ctx.addIssue({
          code: 'custom',
          path: ['features'],
          message: `${s.queue.count} queues need BLK_F_MQ (without it the device has one queue)`,
        });
      }
      if (!s.features.includes('VERSION_1')) {
        ctx.addIssue({
          code: 'custom',
          path: ['features'],
          message: 'VERSION_1 is required: only modern virtio is simulated',
        });
      }
      if (s.device.iothreads > s.queue.count) {
        ctx.addIssue({
          code: 'custom',
          path: ['device', 'iothreads'],
          message: `${s.device.iothreads} IOThreads for ${s.queue.count} queue(s): each IOThread needs a queue`,
        });
      }
    }),
  );

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
