#!/usr/bin/env node
// Runs the built CLI when there is one (npm run build:cli), else the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Output piped into `head` closes early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const built = fileURLToPath(new URL('../dist-cli/cli.mjs', import.meta.url));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport('../src/cli/cli.ts', import.meta.url);
}
