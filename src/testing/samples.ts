import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The real QEMU data the importers are tested on (read-only, beside the checkout as ../shared/samples/qemu).
 * Tests run from the checkout's root. VIRTIO_SAMPLES_DIR overrides it; a clone elsewhere falls back to the workplace's copy.
 */
function samplesDir(): string {
  const fromEnv = process.env.VIRTIO_SAMPLES_DIR;
  if (fromEnv) return fromEnv;
  const beside = resolve(process.cwd(), '../shared/samples/qemu');
  return existsSync(beside) ? beside : '/work/shared/samples/qemu';
}

export const QEMU_SAMPLES = samplesDir();

/**
 * What the summary of trace-default.log says of its one queue (the parser's and the CLI's tests both expect it).
 * The guest powered off at the end, so the last reset left the VirtQueue's fields at 0.
 */
export const TRACE_DEFAULT_QUEUE0 = {
  queue: 0,
  resets: 14,
  kicks: 304,
  pops: 457,
  fills: 457,
  flushes: 457,
  interrupts: 301,
  reads: 430,
  writes: 25,
  flushRequests: 2,
  mergedSubmissions: 7,
  completions: { VIRTIO_BLK_S_OK: 457 },
  last_avail_idx: 0,
  used_idx: 0,
  inuse: 0,
} as const;
