import { z } from 'zod';

/**
 * A scenario: everything that, with a seed, fixes a run. Versioned so that links and files made today keep
 * opening. Field names follow the spec and QEMU's properties (queue-size, num-queues, iothread).
 */
export const SCENARIO_VERSION = 1;

const u16 = z.number().int().min(0).max(0xffff);
const powerOfTwo = (max: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .refine((n) => (n & (n - 1)) === 0, { message: 'must be a power of 2' });

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

const operation = z
  .object({
    op: z.enum(['read', 'write', 'flush', 'get-id', 'discard', 'write-zeroes']),
    /** First sector (512 bytes each). */
    sector: z.number().int().min(0).default(0),
    /** Length in sectors (ignored for flush and get-id). */
    sectors: z.number().int().min(1).max(2048).default(8),
    /** How many times to issue it; consecutive repeats advance the sector by `sectors`. */
    count: z.number().int().min(1).max(1_000_000).default(1),
    /** The virtqueue (blk-mq hardware queue) it is submitted on. */
    queue: z.number().int().min(0).max(15).default(0),
    /** Scheduler steps the submitter waits before the next operation. */
    think: z.number().int().min(0).max(10_000).default(0),
  })
  .strict();

const randomWorkload = z
  .object({
    requests: z.number().int().min(1).max(10_000_000),
    readPercent: z.number().min(0).max(100).default(50),
    maxSectors: z.number().int().min(1).max(256).default(8),
  })
  .strict();

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

const fault = z
  .object({
    kind: z.enum(FAULT_KINDS),
    /**
     * The request (0-based, in submission order) at which the fault is injected. avail-idx-no-wrap is a bug in
     * the driver's code: it acts on this request and every later one.
     */
    atRequest: z.number().int().min(0).default(0),
    /** For index-jump: how far the driver moves avail.idx past what it filled. */
    by: z.number().int().min(1).max(0xffff).optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    version: z.literal(SCENARIO_VERSION),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes')
      .max(64),
    title: z.string().min(1).max(120),
    description: z.string().max(2000).default(''),
    features: z
      .array(z.enum(FEATURE_NAMES))
      .default(['VERSION_1', 'RING_INDIRECT_DESC', 'RING_EVENT_IDX', 'BLK_F_FLUSH']),
    queue: z
      .object({
        size: powerOfTwo(1024).default(8),
        count: z.number().int().min(1).max(16).default(1),
        /** Free-running index value both sides start from, to show wraparound without 65536 requests. */
        startIndex: u16.default(0),
      })
      .strict()
      .prefault({}),
    device: z
      .object({
        /** Disk size in 512-byte sectors. */
        capacity: z
          .number()
          .int()
          .min(1)
          .max(1 << 20)
          .default(2048),
        /** IOThreads serving the queues; queue q is served by IOThread q mod iothreads. */
        iothreads: z.number().int().min(1).max(16).default(1),
        /** Scheduler steps from submission to completion: a fixed value or a seeded-random [min, max]. */
        latency: z
          .union([z.number().int().min(0).max(100_000), z.tuple([z.number().int().min(0), z.number().int().min(0)])])
          .default(1),
        completionOrder: z.enum(['fifo', 'reverse', 'random']).default('fifo'),
      })
      .strict()
      .prefault({}),
    guest: z
      .object({
        /** Memory of the guest in bytes. */
        memory: z
          .number()
          .int()
          .min(64 * 1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        /** Who moves next in step mode. */
        interleaving: z.enum(['guest-first', 'device-first', 'alternate', 'random']).default('alternate'),
      })
      .strict()
      .prefault({}),
    workload: z
      .object({
        ops: z.array(operation).default([]),
        random: randomWorkload.optional(),
      })
      .strict()
      .refine((w) => w.ops.length > 0 || w.random !== undefined, { message: 'needs ops or random' }),
    faults: z.array(fault).default([]),
    /** How a correct run of this scenario ends; tests hold the engine to it. */
    expect: z
      .object({
        /** 'stalled': nothing can move any more while requests are unfinished (a hang, not an error). */
        end: z.enum(['completed', 'device-error', 'driver-error', 'stalled']).default('completed'),
        error: z.string().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
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
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
