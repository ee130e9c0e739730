// Node 20 cannot start a worker_thread from a .ts file; this entry loads the TypeScript worker through tsx.
import { tsImport } from 'tsx/esm/api';

await tsImport('./node.worker.ts', import.meta.url);
