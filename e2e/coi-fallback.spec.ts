import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { expect, test } from '@playwright/test';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** A static host that cannot send headers (like GitHub Pages): serves the production build as plain files. */
function plainStaticServer(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file)
      .then((body) => {
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(404);
        res.end();
      });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('without COOP/COEP headers, the service worker makes the page cross-origin isolated after one reload', async ({
  page,
}) => {
  // The webServer of playwright.config.ts has just built dist/.
  const server = await plainStaticServer('dist');
  try {
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    // The first load registers the worker and reloads, which may destroy the context mid-question.
    const isolated = () => page.evaluate(() => globalThis.crossOriginIsolated).catch(() => false);
    await expect.poll(isolated, { timeout: 15_000 }).toBe(true);
    await expect(page.getByTestId('shared-memory-status')).toHaveText('Shared memory between workers: working');
    await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('the page says which headers the server must send when isolation is impossible', async ({ browser }) => {
  const server = await plainStaticServer('dist');
  // Service workers blocked: the fallback cannot help, so the notice must explain.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    const notice = page.getByRole('complementary', { name: 'This page is not cross-origin isolated' });
    await expect(notice).toContainText('Cross-Origin-Opener-Policy: same-origin');
    await expect(notice).toContainText('Cross-Origin-Embedder-Policy: require-corp');
    await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByLabel('current step', { exact: true })).toHaveText('1');
  } finally {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
