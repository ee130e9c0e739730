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
