import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import type { Scenario } from '../../engine/scenario/schema';
import { buildScenario, NO_OVERRIDES, type ScenarioOverrides } from '../store/scenarioConfig';
import type { ScenarioRef } from './urlCodec';

/** Deep equality of plain JSON values (scenario documents). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Where a full scenario document comes from: a built-in with the header's overrides (queue size, features) when
 * it is one, so links to it stay short and the header shows it; otherwise the document itself.
 */
export function sourceOf(doc: Scenario): { ref: ScenarioRef; overrides: ScenarioOverrides } {
  const base = BUILTIN_SCENARIOS.find((s) => s.name === doc.name);
  if (base) {
    const overrides: ScenarioOverrides = {
      queueSize: doc.queue.size === base.queue.size ? null : doc.queue.size,
      features: sameJson(doc.features, base.features) ? null : [...doc.features],
    };
    const built = buildScenario(base, overrides);
    if (built.ok && sameJson(built.scenario, doc)) return { ref: { kind: 'builtin', name: base.name }, overrides };
  }
  return { ref: { kind: 'inline', scenario: doc }, overrides: NO_OVERRIDES };
}
