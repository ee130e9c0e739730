import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterPaint } from './afterPaint';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('afterPaint', () => {
  it('waits for a frame, then for the task after it', async () => {
    vi.useFakeTimers();
    let frame: (() => void) | null = null;
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => ((frame = cb), 1));
    let done = false;
    void afterPaint().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    frame!();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it('does not wait for ever where no frame comes (a background tab)', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 1);
    let done = false;
    void afterPaint().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('resolves at once without animation frames (Node)', async () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    await expect(afterPaint()).resolves.toBeUndefined();
  });
});
