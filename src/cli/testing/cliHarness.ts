import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, vi, type MockInstance } from 'vitest';
import { runCli } from '../main';

/**
 * For a CLI test file: a scratch folder removed after the file, stderr captured per test, and `cli(...argv)`
 * that runs the command in-process and returns its exit code, stdout and stderr.
 */
export function cliHarness(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let stderr: MockInstance<typeof process.stderr.write>;
  let errText = '';
  beforeEach(() => {
    errText = '';
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errText += String(chunk);
      return true;
    });
  });
  afterEach(() => stderr.mockRestore());

  const cli = (...argv: string[]) => {
    let out = '';
    const code = runCli(argv, (s) => (out += s));
    return { code, out, err: errText };
  };
  return { dir, cli };
}
