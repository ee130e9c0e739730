import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinScenario } from '../../engine/scenario/builtin';
import { runReplayJob, type ReplayJob } from '../../engine/share/replayJob';
import { ON_PAGE_STEPS, replayOffPage, type ReplayWorkerMessage } from './replayOffPage';

const singleRead = builtinScenario('single-read')!;

/** A stand-in for the browser's Worker: runs the job as replay.worker.ts does, then answers asynchronously. */
class FakeWorker {
  static made: FakeWorker[] = [];
  static crash = false;
  onmessage: ((e: MessageEvent<ReplayWorkerMessage>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor(
    readonly url: URL,
    readonly options: WorkerOptions,
  ) {
    FakeWorker.made.push(this);
  }
  postMessage(job: ReplayJob): void {
    setTimeout(() => {
      if (FakeWorker.crash) {
        this.onerror?.({ message: 'out of memory', preventDefault: () => {} } as ErrorEvent);
        return;
      }
      this.onmessage?.({ data: { type: 'progress', reached: 4000, total: 8000 } } as MessageEvent<ReplayWorkerMessage>);
      this.onmessage?.({ data: { type: 'done', result: runReplayJob(job) } } as MessageEvent<ReplayWorkerMessage>);
    }, 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeWorker.made = [];
  FakeWorker.crash = false;
});

describe('replayOffPage', () => {
  it('without workers, replays here', async () => {
    expect(typeof Worker).toBe('undefined');
    const r = await replayOffPage({ kind: 'reach', scenario: singleRead, seed: 1, upTo: ON_PAGE_STEPS + 10 });
    expect(r.kind).toBe('reach');
  });

  it('a short replay stays on the page even where workers exist', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const r = await replayOffPage({ kind: 'reach', scenario: singleRead, seed: 1, upTo: 10 });
    expect(r).toEqual({ kind: 'reach', reached: 10 });
    expect(FakeWorker.made).toHaveLength(0);
  });

  it('a long one goes to a worker, reports progress as a fraction, and the worker is ended', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const progress: number[] = [];
    const r = await replayOffPage({ kind: 'reach', scenario: singleRead, seed: 1, upTo: ON_PAGE_STEPS + 1 }, (f) =>
      progress.push(f),
    );
    expect(r.kind).toBe('reach');
    expect(progress).toEqual([0.5]);
    expect(FakeWorker.made).toHaveLength(1);
    expect(FakeWorker.made[0]!.options).toMatchObject({ type: 'module' });
    expect(FakeWorker.made[0]!.terminated).toBe(true);
  });

  it('a worker that dies is a failed job saying why, not a promise that never settles', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    FakeWorker.crash = true;
    const r = await replayOffPage({ kind: 'reach', scenario: singleRead, seed: 1, upTo: ON_PAGE_STEPS + 1 });
    expect(r).toEqual({ kind: 'failed', message: 'the replay stopped: out of memory' });
    expect(FakeWorker.made[0]!.terminated).toBe(true);
  });
});
