import { readFileSync } from 'node:fs';
import { BUILTIN_SCENARIOS } from '../engine/scenario/builtin';
import type { Scenario } from '../engine/scenario/schema';
import { formatProblems, validateScenario } from '../engine/scenario/validate';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ScenarioOverrides {
  queueSize?: number;
  features?: string[];
}

/** A built-in scenario by name, or a JSON file by path; overrides are applied before validation. */
export function loadScenario(nameOrFile: string, overrides: ScenarioOverrides = {}): Scenario {
  let doc: Record<string, unknown>;
  const builtin = BUILTIN_SCENARIOS.find((s) => s.name === nameOrFile);
  if (builtin) {
    doc = structuredClone(builtin) as unknown as Record<string, unknown>;
  } else {
    let text: string;
    try {
      text = readFileSync(nameOrFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new CliError(`cannot read scenario file ${nameOrFile}: ${(e as Error).message}`);
      }
      const names = BUILTIN_SCENARIOS.map((s) => s.name).join(', ');
      throw new CliError(`unknown scenario "${nameOrFile}": not a built-in (${names}) and no such file`);
    }
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new CliError(`${nameOrFile}: not valid JSON: ${(e as Error).message}`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new CliError(`${nameOrFile}: a scenario must be a JSON object`);
    }
  }
  if (overrides.queueSize !== undefined) doc.queue = { ...(doc.queue as object), size: overrides.queueSize };
  if (overrides.features !== undefined) doc.features = overrides.features;
  const result = validateScenario(doc);
  if (!result.ok) throw new CliError(`invalid scenario ${nameOrFile}:\n${formatProblems(result.problems)}`);
  return result.scenario;
}
