import { defineConfig } from 'vite';

// Builds the `virtio-viz` command to plain JavaScript (dist-cli/cli.mjs), so a published CLI needs no tsx.
export default defineConfig({
  build: {
    ssr: 'src/cli/cli.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'cli.mjs', format: 'es' } },
  },
});
