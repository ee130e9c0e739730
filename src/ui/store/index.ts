import { useStore } from 'zustand';
import { builtinScenario } from '../../engine/scenario/builtin';
import { createSimStore, type SimActions, type SimStore } from './store';

export type { BreakpointEntry, SimActions, SimStore } from './store';

/** The app's one store; tests make their own with createSimStore. */
export const simStore = createSimStore(initialOptions());

/** Subscribes to a slice of the store. The selector must return stored values, not fresh objects or arrays. */
export function useSim<T>(selector: (s: SimStore) => T): T {
  return useStore(simStore, selector);
}

/** The store's commands; they never change, so components call them without subscribing. */
export const actions: SimActions = simStore.getState();

/** ?scenario=NAME&seed=N open a given run, so a link can share it. */
function initialOptions(): { scenarioName?: string; seed?: number } {
  if (typeof location === 'undefined') return {};
  const params = new URLSearchParams(location.search);
  const seed = Number(params.get('seed'));
  return {
    ...(builtinScenario(params.get('scenario') ?? '') ? { scenarioName: params.get('scenario')! } : {}),
    ...(Number.isInteger(seed) && params.has('seed') ? { seed } : {}),
  };
}

// The address follows the page through src/ui/share/urlSync.ts (#s=NAME&seed=N&step=K…), started by App.
