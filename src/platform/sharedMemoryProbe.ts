import type { ProbeReply, ProbeRequest } from './probe.worker';

export type SharedMemorySupport =
  | { ok: true; value: number }
  | { ok: false; reason: 'not-isolated' | 'no-shared-array-buffer' | 'mismatch' | 'timeout'; detail: string };

/** Proves the page can do what the simulation needs: one Web Worker writes a SharedArrayBuffer, another reads it. */
export async function probeSharedMemory(value = 0x5649_5254, timeoutMs = 5000): Promise<SharedMemorySupport> {
  if (!globalThis.crossOriginIsolated) {
    return {
      ok: false,
      reason: 'not-isolated',
      detail:
        'The page is not cross-origin isolated. The server must send Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.',
    };
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    return { ok: false, reason: 'no-shared-array-buffer', detail: 'This browser has no SharedArrayBuffer.' };
  }
  const sab = new SharedArrayBuffer(8);
  const spawn = () => new Worker(new URL('./probe.worker.ts', import.meta.url), { type: 'module' });
  const reader = spawn();
  const writer = spawn();
  try {
    const seen = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      reader.onmessage = (e: MessageEvent<ProbeReply>) => {
        clearTimeout(timer);
        resolve(e.data.seen);
      };
      reader.postMessage({ role: 'reader', sab, value: 0 } satisfies ProbeRequest);
      writer.postMessage({ role: 'writer', sab, value } satisfies ProbeRequest);
    });
    return seen === value
      ? { ok: true, value: seen }
      : { ok: false, reason: 'mismatch', detail: `The reader saw ${seen}, not ${value}.` };
  } catch {
    return { ok: false, reason: 'timeout', detail: `The reader worker saw nothing within ${timeoutMs} ms.` };
  } finally {
    reader.terminate();
    writer.terminate();
  }
}
