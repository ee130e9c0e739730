import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// A system Chromium is used when present (CHROMIUM_PATH, then Debian's /usr/bin/chromium);
// otherwise Playwright's own browser (`npx playwright install chromium`).
const systemChromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find(
  (p): p is string => typeof p === 'string' && p !== '' && existsSync(p),
);

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    ...devices['Desktop Chrome'],
    launchOptions: {
      executablePath: systemChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx vite build --logLevel warn && npx vite preview --strictPort --host 127.0.0.1 --port ${port}`,
    url: `http://127.0.0.1:${port}`,
    env: { VV_OUT_DIR: port === 4173 ? 'dist' : `dist-${port}` },
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
