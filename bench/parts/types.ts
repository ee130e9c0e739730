import type { Metric } from '../lib/metrics';

export interface PartResult {
  metrics: Metric[];
  /** Raw samples and settings, kept in results.json under details.<part>. */
  details: unknown;
}

export interface Part {
  name: string;
  /** What it measures, for `npm run bench -- --help`. */
  about: string;
  run(): Promise<PartResult>;
}
