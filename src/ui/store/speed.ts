/**
 * Playback speeds, slowest first: the delay between two animated steps in milliseconds. 0 means one step per
 * screen refresh (requestAnimationFrame).
 */
export const SPEEDS_MS = [3000, 2000, 1000, 500, 250, 100, 50, 0] as const;

export const DEFAULT_SPEED = 2;

export const clampSpeed = (i: number): number => Math.min(SPEEDS_MS.length - 1, Math.max(0, Math.round(i)));

/** Waits for the next playback step; resolves early (false) if `signal` aborts. */
export function waitForNextStep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (ok: boolean) => {
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => {
      if (handle.kind === 'timeout') clearTimeout(handle.id);
      else cancelAnimationFrame(handle.id);
      done(false);
    };
    const handle: { kind: 'timeout' | 'frame'; id: number } =
      ms === 0 && typeof requestAnimationFrame === 'function'
        ? { kind: 'frame', id: requestAnimationFrame(() => done(true)) }
        : { kind: 'timeout', id: setTimeout(() => done(true), ms) as unknown as number };
    signal.addEventListener('abort', onAbort);
  });
}
