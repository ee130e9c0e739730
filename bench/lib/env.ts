import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from './results';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Everything the bench builds goes here (gitignored through /dist-*, and ignored by ESLint). */
export const OUT = path.join(ROOT, 'dist-bench');
/** The port for the bench's preview servers (one at a time). */
export const PORT = Number(process.env.BENCH_PORT ?? 4186);

export const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find(
  (p): p is string => typeof p === 'string' && p !== '' && existsSync(p),
);

/** The launch arguments the Playwright config uses. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function ccVersion(): string | null {
  try {
    return execFileSync('cc', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return null;
  }
}

export function machineInfo(chromium: string | null): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium,
    cc: ccVersion(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs a command to completion, its output passed through to stderr; throws on a non-zero exit. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  execFileSync(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, ...env },
  });
}

/** Servers this process started: stopped however it exits, so none is left holding the port. */
const running = new Set<() => void>();
process.on('exit', () => {
  for (const stop of [...running]) stop();
});

/**
 * `vite preview` of an already built folder on PORT, with the config's COOP/COEP headers. Resolves once it
 * answers; `stop` ends that one process (started in its own process group, so its children go with it).
 */
export async function preview(
  outDir: string,
  config?: string,
  probe = '/',
): Promise<{ url: string; stop: () => void }> {
  const args = ['vite', 'preview', '--strictPort', '--host', '127.0.0.1', '--port', String(PORT), '--outDir', outDir];
  if (config) args.push('--config', config);
  const url = `http://127.0.0.1:${PORT}`;
  if (await answers(url)) throw new Error(`something already serves ${url}: stop it, or set BENCH_PORT`);
  const child: ChildProcess = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const stop = () => {
    running.delete(stop);
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  running.add(stop);
  // Generous: on a busy machine (the bench itself is what keeps it busy) vite can take a while to start.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(url + probe);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`vite preview did not answer on ${url}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}
