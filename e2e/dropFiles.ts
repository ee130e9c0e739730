import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

/** Drops the files on an element the way a browser does: dragenter, dragover, drop, with a DataTransfer. */
export async function dropFiles(page: Page, selector: string, paths: string[]): Promise<void> {
  const payload = paths.map((p) => ({ name: p.replace(/^.*\//, ''), b64: readFileSync(p).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    return dt;
  }, payload);
  for (const type of ['dragenter', 'dragover', 'drop'])
    await page.locator(selector).first().dispatchEvent(type, { dataTransfer });
}
