import type { Scenario } from '../scenario/schema';
import { replay } from './replay';
import {
  buildRunFile,
  verifyRunFile,
  type BuildRunInput,
  type RunFile,
  type RunProblem,
  type RunResult,
} from './runFile';

/**
 * The checks that replay a run from the start before the page shows it (a link's step, a run file's log) or to
 * write its log (an export). A long one takes seconds, so the page hands it to a worker (ui/share/replayOffPage).
 */
export type ReplayJob =
  /** How far (scenario, seed) runs, up to `upTo` steps: a link's step must be reached. */
  | { kind: 'reach'; scenario: Scenario; seed: number; upTo: number }
  /** A run file's replay checked against its log (verifyRunFile). */
  | { kind: 'verify'; file: RunFile }
  /** A run file written by replaying to the step (buildRunFile). */
  | { kind: 'build'; input: BuildRunInput; exportedAt: string };

export type ReplayJobResult =
  | { kind: 'reach'; reached: number }
  | { kind: 'verify'; problem: RunProblem | null }
  | { kind: 'build'; result: RunResult<RunFile> }
  /** The job could not run: the machine refused the scenario, or the worker stopped. */
  | { kind: 'failed'; message: string };

/** The steps a job replays at most: what progress is measured against. */
export function replayJobSteps(job: ReplayJob): number {
  switch (job.kind) {
    case 'reach':
      return job.upTo;
    case 'verify':
      return job.file.step;
    case 'build':
      return job.input.step;
  }
}

/** Runs a job here, on this thread; `progress` sees the number of steps replayed so far after each step. */
export function runReplayJob(job: ReplayJob, progress?: (reached: number) => void): ReplayJobResult {
  switch (job.kind) {
    case 'reach':
      try {
        const visit = progress ? (r: { index: number }) => void progress(r.index + 1) : undefined;
        return { kind: 'reach', reached: replay(job.scenario, job.seed, job.upTo, visit).reached };
      } catch (e) {
        return { kind: 'failed', message: (e as Error).message };
      }
    case 'verify':
      return { kind: 'verify', problem: verifyRunFile(job.file, progress) };
    case 'build':
      return { kind: 'build', result: buildRunFile(job.input, job.exportedAt, progress) };
  }
}
