import type { ExportedFile } from '../../../engine/export';
import { download } from '../../share/download';

/**
 * Chromium drops a page's download requests beyond 10 in a second (it throttles them per frame), and an export now
 * has one file per outstanding indirect table besides the four: spacing them keeps every file, at any count.
 */
export const DOWNLOAD_GAP_MS = 150;

const typeOf = (name: string) => (name.endsWith('.json') ? 'application/json' : 'application/octet-stream');

/**
 * Saves each file as its own download, the first at once and the rest `gap` ms apart. Resolves when the last one
 * has been handed to the browser.
 */
export async function downloadFiles(
  files: readonly ExportedFile[],
  save: (blob: Blob, name: string) => void = download,
  gap = DOWNLOAD_GAP_MS,
): Promise<void> {
  for (const [k, f] of files.entries()) {
    if (k > 0) await new Promise((resolve) => setTimeout(resolve, gap));
    save(new Blob([f.bytes as BlobPart], { type: typeOf(f.name) }), f.name);
  }
}
