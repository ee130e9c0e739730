import type { TFunction } from 'i18next';
import { builtinScenario } from '../../engine/scenario/builtin';

/** What the scenario texts need of a scenario: its name, and its own title and description (the JSON's, English). */
export interface ScenarioTexts {
  name: string;
  title: string;
  description?: string;
}

/**
 * A scenario's title in the page's language: a built-in one's from `app:scenarios.<name>`, a custom one's (from a
 * link or a run file) as its document gives it. `t` is the 'app' namespace's.
 */
export function scenarioTitle(t: TFunction, scenario: ScenarioTexts | string, custom = false): string {
  const s =
    typeof scenario === 'string' ? (builtinScenario(scenario) ?? { name: scenario, title: scenario }) : scenario;
  if (custom) return s.title;
  return t(`scenarios.${s.name}`, { defaultValue: s.title });
}

/**
 * A scenario's description in the page's language: a built-in one's from `app:scenarioDescriptions.<name>`, else
 * (custom scenarios, or a name without a translation) the document's own text.
 */
export function scenarioDescription(t: TFunction, scenario: ScenarioTexts, custom = false): string {
  const own = scenario.description ?? '';
  if (custom || !builtinScenario(scenario.name)) return own;
  return t(`scenarioDescriptions.${scenario.name}`, { defaultValue: own });
}
