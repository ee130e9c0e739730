import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { OUT, ROOT, ensureDir, run } from './env';

export interface NativeRun {
  requests: number;
  seconds: number;
  opsPerSec: number;
  queueSize: number;
  eventIdx: boolean;
  kicks: number;
  interrupts: number;
}

/** Builds bench/native/ring.c with the system compiler at -O2; returns the binary's path. */
export function buildNative(): string {
  const bin = path.join(ensureDir(path.join(OUT, 'native')), 'ring');
  run('cc', [
    '-O2',
    '-std=c11',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-pthread',
    path.join(ROOT, 'bench/native/ring.c'),
    '-o',
    bin,
  ]);
  return bin;
}

export function runNative(bin: string, opts: { eventIdx: boolean; queueSize: number; durationMs: number }): NativeRun {
  const out = execFileSync(bin, [String(opts.queueSize), opts.eventIdx ? '1' : '0', String(opts.durationMs)], {
    encoding: 'utf8',
    timeout: opts.durationMs + 30_000,
  });
  return JSON.parse(out) as NativeRun;
}
