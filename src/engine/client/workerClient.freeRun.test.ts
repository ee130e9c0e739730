import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import { spawnNodeWorker } from '../worker/nodeSpawn';
import type { SimulationState } from './types';
import { WorkerClient } from './workerClient';

// Node has no frames: the page's sampling loop runs on a 16 ms timer here.
const raf = globalThis.requestAnimationFrame;
beforeAll(() => {
  globalThis.requestAnimationFrame = (cb: FrameRequestCallback) =>
    setTimeout(() => cb(performance.now()), 16) as unknown as number;
});
afterAll(() => {
  globalThis.requestAnimationFrame = raf;
});

let clients: WorkerClient[] = [];
afterEach(() => {
  for (const c of clients) c.dispose();
  clients = [];
});

/** Free-runs a built-in scenario and resolves with the first sample after the run stopped by itself. */
async function freeRunToItsEnd(name: string): Promise<SimulationState> {
  const client = new WorkerClient(spawnNodeWorker);
  clients.push(client);
  await client.load(builtinScenario(name)!, 1);
  return new Promise((resolve) => {
    void client.play((s) => {
      if (!s.running) resolve(s);
    });
  });
}

describe('a free-run in workers stops by itself', () => {
  it('when the guest is done', async () => {
    const s = await freeRunToItsEnd('single-read');
    expect(s.view.ended).toBe('completed');
  }, 60_000);

  it('when the device gives up (NEEDS_RESET), although the guest still waits for it', async () => {
    const s = await freeRunToItsEnd('bad-guest-looped-chain');
    expect(s.view.ended).toBe('device-error');
    expect(s.view.errors.map((e) => e.kind)).toContain('looped-descriptor');
  }, 60_000);

  it('when every side waits on another (descriptors leaked until none is free), after a still second', async () => {
    const s = await freeRunToItsEnd('bad-guest-leaked-descriptor');
    expect(s.view.ended).toBe('stalled');
  }, 60_000);
});
