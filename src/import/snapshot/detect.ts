import type { ImportFile } from '../types';
import { decodeText } from './textPos';

/** How much of a text file is looked at to recognise it. */
const HEAD = 64 * 1024;

/**
 * True when the files look like a ring snapshot: a status query (QMP JSON with `last-avail-idx`/`vring-desc`, or
 * HMP text with `last_avail_idx:` or `signalled_used_valid:`, and `VRing:`), or pmemsave dumps named desc/avail/used. Cheap: reads only the
 * start of each text file.
 */
export function looksLikeSnapshot(files: ImportFile[]): boolean {
  return files.some((f) => {
    if (/\.bin$/i.test(f.name)) return /(desc|avail|used)/i.test(f.name.replace(/^.*[\\/]/, ''));
    const head = decodeText(f.bytes.subarray(0, HEAD));
    return (
      /"(last-avail-idx|signalled-used-valid)"\s*:/.test(head) ||
      /"queue_status"\s*:/.test(head) ||
      // A vhost queue's HMP status may have no last_avail_idx line; signalled_used_valid is always there.
      (/(last_avail_idx|signalled_used_valid)\s*:/.test(head) && /VRing\s*:/.test(head))
    );
  });
}
