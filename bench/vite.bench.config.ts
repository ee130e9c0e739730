import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The bench's own pages (the ring-throughput page), built and served like the app: ES module workers, and the
// COOP/COEP headers without which SharedArrayBuffer does not exist.
const here = path.dirname(fileURLToPath(import.meta.url));
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: path.join(here, 'pages'),
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  preview: { headers: crossOriginIsolation },
  server: { headers: crossOriginIsolation },
  build: {
    outDir: path.join(here, '..', 'dist-bench', 'pages'),
    emptyOutDir: true,
    rollupOptions: { input: { ring: path.join(here, 'pages', 'ring.html') } },
  },
});
