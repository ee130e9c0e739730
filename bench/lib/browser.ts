import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './env';

let shared: Browser | null = null;

/** One headless Chromium for the whole run, launched as the Playwright config launches it. */
export async function browser(): Promise<Browser> {
  shared ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return shared;
}

export async function chromiumVersion(): Promise<string | null> {
  return shared ? shared.version() : null;
}

export async function closeBrowser(): Promise<void> {
  await shared?.close();
  shared = null;
}

/**
 * tsx compiles the bench with esbuild's keepNames, which wraps named functions in a `__name(...)` helper; functions
 * handed to page.evaluate carry that call into the page, so the page gets a do-nothing `__name` first.
 */
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

export async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await (await browser()).newContext(options);
  await context.addInitScript(NAME_SHIM);
  return context;
}

/** A page in a context of its own (closing the page's context closes both). */
export async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await newContext(options);
  const page = await context.newPage();
  page.on('close', () => void context.close());
  return page;
}
