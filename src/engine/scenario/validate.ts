import { scenarioSchema, type Scenario } from './schema';

export interface ScenarioProblem {
  /** Dotted path to the field, e.g. "workload.ops.2.sector"; "(root)" for the document itself. */
  path: string;
  message: string;
}

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

/** Validates a parsed JSON value as a scenario; every problem names its field. */
export function validateScenario(value: unknown): ScenarioResult {
  const parsed = scenarioSchema.safeParse(value);
  if (parsed.success) return { ok: true, scenario: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

/** Parses scenario text (JSON); a syntax error is reported with its position like any other problem. */
export function parseScenario(text: string): ScenarioResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ path: '(root)', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  return validateScenario(value);
}

export const formatProblems = (problems: ScenarioProblem[]): string =>
  problems.map((p) => `${p.path}: ${p.message}`).join('\n');
