import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// SharedArrayBuffer exists only in a cross-origin isolated page, so both the dev
// server and `vite preview` must send these two headers.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // Lets a cross-origin isolated page embed the app in an iframe (?embed=1); harmless otherwise.
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  // The first screen loads ~210 kB of gzipped script (lessons, the import view, other languages and exports come
  // later, on first use); the benchmark checks that size, so no chunk size warning is needed here.
  // VV_OUT_DIR lets several Playwright runs (one per port) build side by side without overwriting each other.
  build: { chunkSizeWarningLimit: 1024, outDir: process.env.VV_OUT_DIR ?? 'dist' },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'bench/lib/**/*.test.ts'],
    environment: 'node',
    coverage: {
      provider: 'v8',
      include: ['src/virtio/**/*.ts', 'src/devices/**/*.ts'],
      exclude: ['**/*.test.ts', '**/index.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 90 },
    },
  },
});
