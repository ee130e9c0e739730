import { afterEach, describe, expect, it, vi } from 'vitest';
import { DOWNLOAD_GAP_MS, downloadFiles } from './downloadFiles';

const file = (name: string) => ({ name, bytes: new Uint8Array([1, 2, 3]) });

describe('downloadFiles', () => {
  afterEach(() => vi.useRealTimers());

  it('saves every file in order, spaced so no second holds the 10 downloads Chromium allows', async () => {
    vi.useFakeTimers();
    const files = [
      file('p_qmp.json'),
      file('p_desc.bin'),
      file('p_avail.bin'),
      file('p_used.bin'),
      ...Array.from({ length: 8 }, (_, k) => file(`p_ind_0x${(0x1000 + 64 * k).toString(16)}.bin`)),
    ];
    const saved: { name: string; type: string; size: number; at: number }[] = [];
    const done = downloadFiles(files, (blob, name) =>
      saved.push({ name, type: blob.type, size: blob.size, at: Date.now() }),
    );
    // The first goes at once, the rest one gap apart.
    expect(saved).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(DOWNLOAD_GAP_MS * 11);
    await done;
    expect(saved.map((s) => s.name)).toEqual(files.map((f) => f.name));
    expect(saved.map((s) => s.type)).toEqual([
      'application/json',
      ...Array<string>(11).fill('application/octet-stream'),
    ]);
    expect(saved.every((s) => s.size === 3)).toBe(true);
    for (const s of saved) expect(saved.filter((o) => o.at >= s.at && o.at < s.at + 1000).length).toBeLessThan(10);
  });

  it('resolves at once for no files', async () => {
    const save = vi.fn();
    await downloadFiles([], save);
    expect(save).not.toHaveBeenCalled();
  });
});
