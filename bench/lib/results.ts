import { z } from 'zod';
import { verdict, type Metric } from './metrics';

/** Keys every full run's results.json must hold (issue 7), each a number measured in that run. */
export const REQUIRED_KEYS = [
  'ring.native_ops_per_s',
  'ring.node_ops_per_s',
  'ring.browser_ops_per_s',
  'ring.ratio_node',
  'ring.ratio_browser',
  'step.median_ms',
  'step.p95_ms',
  'freerun.fps',
  'history.jump_ms',
  'history.bytes_per_step',
  'load.js_gzip_bytes',
] as const;

export const machineSchema = z.object({
  cpu: z.string().min(1),
  cores: z.number().int().min(1),
  memoryBytes: z.number().int().positive(),
  os: z.string().min(1),
  node: z.string().min(1),
  chromium: z.string().nullable(),
  cc: z.string().nullable(),
  loadAverage: z.array(z.number()),
  /** Load average as the run ended: other work on the machine makes the numbers noisy. */
  loadAverageAfter: z.array(z.number()).optional(),
});
export type MachineInfo = z.infer<typeof machineSchema>;

const metricSchema = z.object({
  key: z.string().regex(/^[a-z_0-9]+(\.[a-z_0-9]+)+$/),
  value: z.number().refine(Number.isFinite, 'must be finite'),
  unit: z.string(),
  target: z.object({ op: z.enum(['>=', '<=']), value: z.number() }).optional(),
  result: z.enum(['pass', 'fail', '']),
  note: z.string().optional(),
});

export const resultsSchema = z
  .object({
    date: z.iso.datetime(),
    parts: z.array(z.string()).min(1),
    durationSeconds: z.number().nonnegative(),
    machine: machineSchema,
    metrics: z.array(metricSchema),
  })
  .loose();
export type Results = z.infer<typeof resultsSchema>;

type Tree = { [key: string]: unknown };

export function getPath(obj: unknown, path: string): unknown {
  let at: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Tree)[part];
  }
  return at;
}

export function setPath(obj: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = obj;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (next === undefined) at[part] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new Error(`${path}: ${part} already holds a value`);
    }
    at = at[part] as Tree;
  }
  const last = parts[parts.length - 1]!;
  if (last in at) throw new Error(`${path} is measured twice`);
  at[last] = value;
}

/**
 * The results document: every metric at its dotted path (`{"ring": {"ratio_node": 0.4}}`), the flat list with
 * units, targets and verdicts (what the table prints), each part's raw details under `details`, and the machine.
 */
export function buildResults(args: {
  date: Date;
  parts: string[];
  durationSeconds: number;
  machine: MachineInfo;
  metrics: readonly Metric[];
  details: Record<string, unknown>;
}): Results {
  const doc: Tree = {
    date: args.date.toISOString(),
    parts: args.parts,
    durationSeconds: args.durationSeconds,
    machine: args.machine,
  };
  for (const m of args.metrics) setPath(doc, m.key, m.value);
  doc.metrics = args.metrics.map((m) => ({ ...m, result: verdict(m) }));
  doc.details = args.details;
  return doc as Results;
}

/** What is wrong with a results document (empty when it is sound). `full`: every required key must be there. */
export function validateResults(doc: unknown, full: boolean): string[] {
  const parsed = resultsSchema.safeParse(doc);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  if (full) {
    for (const key of REQUIRED_KEYS) {
      const v = getPath(doc, key);
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${key}: missing or not a finite number`);
    }
  }
  if (parsed.success) {
    for (const m of parsed.data.metrics) {
      if (getPath(doc, m.key) !== m.value) problems.push(`${m.key}: the tree and the metric list disagree`);
    }
  }
  return problems;
}
