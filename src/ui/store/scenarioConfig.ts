import type { FeatureName, Scenario } from '../../engine/scenario/schema';
import { FEATURE_NAMES } from '../../engine/scenario/schema';
import { validateScenario, type ScenarioResult } from '../../engine/scenario/validate';

/** What the header changes on top of a built-in scenario. null keeps the scenario's own value. */
export interface ScenarioOverrides {
  queueSize: number | null;
  features: readonly FeatureName[] | null;
}

export const NO_OVERRIDES: ScenarioOverrides = { queueSize: null, features: null };

/** Edits the scenario document and validates it again, so a bad combination is reported field by field. */
export function buildScenario(base: Scenario, overrides: ScenarioOverrides): ScenarioResult {
  const doc = structuredClone(base);
  if (overrides.queueSize !== null) doc.queue = { ...doc.queue, size: overrides.queueSize };
  if (overrides.features !== null) doc.features = [...overrides.features];
  return validateScenario(doc);
}

/** Turns one feature on or off, keeping the canonical order so documents compare equal. */
export function toggleFeature(features: readonly FeatureName[], name: FeatureName, on: boolean): FeatureName[] {
  const set = new Set(features);
  if (on) set.add(name);
  else set.delete(name);
  return FEATURE_NAMES.filter((f) => set.has(f));
}
