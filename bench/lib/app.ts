import path from 'node:path';
import { OUT, log, preview, run } from './env';

/** The app's production build in its own folder, served by `vite preview` (the app config's COOP/COEP headers). */
let server: { url: string; stop: () => void } | null = null;
let built = false;
export const APP_DIR = path.join(OUT, 'app');

export async function appServer(): Promise<{ url: string; stop: () => void }> {
  if (!built) {
    log('ui: building the app (vite build)');
    run('npx', ['vite', 'build', '--logLevel', 'warn'], { VV_OUT_DIR: APP_DIR });
    built = true;
  }
  server ??= await preview(APP_DIR);
  return server;
}

export function stopAppServer(): void {
  server?.stop();
  server = null;
}
