import { createStore, type StoreApi } from 'zustand/vanilla';
import { BreakpointError, parseBreakpoint, type Breakpoint } from '../../engine/breakpoint';
import type { SimulationClient, SimulationState } from '../../engine/client/types';
import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import type { FeatureName, Scenario } from '../../engine/scenario/schema';
import type { ScenarioProblem } from '../../engine/scenario/validate';
import type { RunTarget } from '../../engine/session';
import type { Granularity } from '../../engine/step';
import { changedAddresses } from '../derive/changed';
import { changeLanguage, initialLanguage, type Language } from '../i18n';
import { createSimulationClient } from './client';
import { buildScenario, NO_OVERRIDES, toggleFeature, type ScenarioOverrides } from './scenarioConfig';
import { clampSpeed, DEFAULT_SPEED, SPEEDS_MS, waitForNextStep } from './speed';

export interface BreakpointEntry {
  id: number;
  text: string;
  breakpoint: Breakpoint;
}

export interface SimData {
  scenarioName: string;
  seed: number;
  overrides: ScenarioOverrides;
  /** A scenario that is not built in (from a link or a run file); null runs the built-in `scenarioName`. */
  custom: Scenario | null;
  /** The scenario actually loaded (built-in plus overrides), once it validated. */
  scenario: Scenario | null;
  /** Why the edited scenario was refused; the previous run stays on screen meanwhile. */
  problems: ScenarioProblem[];
  granularity: Granularity;
  /** Index into SPEEDS_MS. */
  speed: number;
  /** Animated stepping (Play): one client.step per tick. */
  playing: boolean;
  /** Free-run: the client runs on its own and sends samples. */
  freeRunning: boolean;
  presenter: boolean;
  language: Language;
  /** Which virtqueue the three columns show. */
  queueIndex: number;
  /** Show the queue the current step works on, whenever it names one. */
  followQueue: boolean;
  sim: SimulationState | null;
  /** Guest byte addresses the current step wrote. */
  changed: Set<number>;
  breakpoints: BreakpointEntry[];
  /** Why the last text given was not added: a code of breakpoints.problem.*, its values, the English text. */
  breakpointError: BreakpointRefusal | null;
  /** The id of the breakpoint that stopped the last command, while its state is on screen. */
  hitBreakpoint: number | null;
  /** A run-until in progress (it can take a moment on a long run). */
  seeking: RunTarget | null;
  /** A command the client refused (a rejected promise, e.g. a worker that died). */
  lastError: string | null;
}

export interface SimActions {
  /** Loads the chosen scenario with the current seed and overrides (also the Reset button). */
  load(): Promise<void>;
  selectScenario(name: string): Promise<void>;
  setSeed(seed: number): Promise<void>;
  setQueueSize(size: number | null): Promise<void>;
  setFeature(name: FeatureName, on: boolean): Promise<void>;
  resetFeatures(): Promise<void>;
  step(): Promise<void>;
  back(): Promise<void>;
  jump(step: number): Promise<void>;
  runUntil(target: RunTarget): Promise<void>;
  play(): Promise<void>;
  pause(): Promise<void>;
  togglePlay(): Promise<void>;
  freeRun(): Promise<void>;
  stopFreeRun(): Promise<void>;
  setSpeed(index: number): void;
  setGranularity(g: Granularity): void;
  /** Parses and adds a breakpoint; false (and breakpointError set) if the text is not one. */
  addBreakpoint(text: string): Promise<boolean>;
  removeBreakpoint(id: number): Promise<void>;
  setPresenter(on: boolean): void;
  setLanguage(lng: Language): Promise<void>;
  /** Pins the columns to one queue (stops following the step). */
  setQueueIndex(q: number): void;
  setFollowQueue(on: boolean): void;
  dismissError(): void;
}

export type SimStore = SimData & SimActions;

export interface SimStoreOptions {
  client?: SimulationClient;
  scenarioName?: string;
  seed?: number;
  language?: Language;
}

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Why a well-formed breakpoint can never hit in the loaded run (a queue it does not have, bytes past its memory). */
/** Why a breakpoint text was refused (see BreakpointError): shown translated by its code. */
export interface BreakpointRefusal {
  code: string;
  values: Record<string, string>;
  text: string;
}

function refusalOf(e: unknown): BreakpointRefusal {
  if (e instanceof BreakpointError) return { code: e.code, values: e.values, text: e.message };
  return { code: 'other', values: {}, text: errorMessage(e) };
}

function unreachable(bp: Breakpoint, view: SimulationState['view']): BreakpointRefusal | null {
  if (bp.kind === 'field') {
    const q = /^vq(\d+)\./.exec(bp.field);
    const count = view.queues.length;
    if (q && Number(q[1]) >= count) {
      const last = `vq${count - 1}`;
      return {
        code: count === 1 ? 'only-vq0' : 'no-such-queue',
        values: { field: bp.field, last },
        text: `"${bp.field}": this scenario has ${count === 1 ? 'only vq0' : `vq0 to ${last}`}`,
      };
    }
  } else if (bp.kind === 'watch' && bp.addr >= view.memorySize) {
    const addr = `0x${bp.addr.toString(16)}`;
    const size = `0x${view.memorySize.toString(16)}`;
    return {
      code: 'past-memory',
      values: { addr, size },
      text: `${addr} is past the end of guest memory (${size} bytes)`,
    };
  }
  return null;
}

/**
 * True when animated playback should stop by itself: the step hit a breakpoint or reported an error, or the run is
 * over (whether every request finished or a side gave up).
 */
const stopsPlayback = (s: SimulationState): boolean =>
  s.stopped === 'breakpoint' ||
  s.stopped === 'error' ||
  s.stopped === 'end' ||
  s.view.ended !== null ||
  s.current?.events.some((e) => e.type === 'error') === true;

export function createSimStore(options: SimStoreOptions = {}): StoreApi<SimStore> {
  const client = options.client ?? createSimulationClient();
  /** Commands run one after another, so a step never overtakes the load or the pause before it. */
  let chain: Promise<void> = Promise.resolve();
  let playback: AbortController | null = null;
  let nextBreakpointId = 1;
  /** Counts refused commands, so playback notices a new failure even if an old one is still displayed. */
  let failures = 0;

  return createStore<SimStore>()((set, get) => {
    const apply = (sim: SimulationState) => {
      const last = Math.max(0, sim.view.queues.length - 1);
      const followed = get().followQueue ? sim.current?.queue : undefined;
      const queueIndex = Math.min(followed ?? get().queueIndex, last);
      const hit = sim.breakpoint === null ? null : (get().breakpoints[sim.breakpoint]?.id ?? null);
      // The same step record (a free-run sample, a breakpoint edit) keeps the same set, so nothing flashes again.
      const same = get().sim?.current === sim.current;
      const changed = same ? get().changed : changedAddresses(sim.current);
      set({ sim, changed, queueIndex, hitBreakpoint: hit });
    };

    const exec = (command: (c: SimulationClient) => Promise<SimulationState>): Promise<void> => {
      chain = chain.then(async () => {
        try {
          apply(await command(client));
        } catch (e) {
          failures++;
          playback?.abort();
          set({ lastError: errorMessage(e), playing: false, freeRunning: false });
        }
      });
      return chain;
    };

    /** Stops animated playback and free-run, so a manual command acts on a still state. */
    const halt = async () => {
      if (playback) {
        playback.abort();
        playback = null;
        // A step already on its way lands first, so Play comes back on the state that stays on screen.
        await chain;
        set({ playing: false });
      }
      if (get().freeRunning) {
        set({ freeRunning: false });
        await exec((c) => c.pause());
      }
    };

    const loadWith = async (patch: Partial<SimData>) => {
      await halt();
      set(patch);
      const { scenarioName, overrides, seed, breakpoints } = get();
      const base = get().custom ?? BUILTIN_SCENARIOS.find((s) => s.name === scenarioName) ?? BUILTIN_SCENARIOS[0]!;
      const result = buildScenario(base, overrides);
      if (!result.ok) {
        set({ problems: result.problems });
        return;
      }
      set({ problems: [], scenario: result.scenario, lastError: null });
      await exec((c) => c.load(result.scenario, seed));
      if (breakpoints.length > 0) await exec((c) => c.setBreakpoints(breakpoints.map((b) => b.breakpoint)));
    };

    const syncBreakpoints = () => exec((c) => c.setBreakpoints(get().breakpoints.map((b) => b.breakpoint)));

    return {
      scenarioName: options.scenarioName ?? BUILTIN_SCENARIOS[0]!.name,
      seed: options.seed ?? 1,
      overrides: NO_OVERRIDES,
      custom: null,
      scenario: null,
      problems: [],
      granularity: 'write',
      speed: DEFAULT_SPEED,
      playing: false,
      freeRunning: false,
      presenter: false,
      language: options.language ?? initialLanguage(),
      queueIndex: 0,
      followQueue: true,
      sim: null,
      changed: new Set(),
      breakpoints: [],
      breakpointError: null,
      hitBreakpoint: null,
      seeking: null,
      lastError: null,

      load: () => loadWith({}),
      selectScenario: (name) =>
        loadWith({ scenarioName: name, custom: null, overrides: NO_OVERRIDES, queueIndex: 0, followQueue: true }),
      setSeed: (seed) => loadWith({ seed }),
      setQueueSize: (size) => loadWith({ overrides: { ...get().overrides, queueSize: size } }),
      setFeature: (name, on) => {
        const current = get().overrides.features ?? get().scenario?.features ?? [];
        return loadWith({ overrides: { ...get().overrides, features: toggleFeature(current, name, on) } });
      },
      resetFeatures: () => loadWith({ overrides: { ...get().overrides, features: null } }),

      step: async () => {
        await halt();
        await exec((c) => c.step(get().granularity));
      },
      back: async () => {
        await halt();
        await exec((c) => c.back(get().granularity));
      },
      jump: async (k) => {
        await halt();
        await exec((c) => c.jump(k));
      },
      runUntil: async (target) => {
        await halt();
        set({ seeking: target });
        await exec((c) => c.runUntil(target));
        set({ seeking: null });
      },

      play: async () => {
        if (get().playing) return;
        const ctl = new AbortController();
        playback = ctl;
        set({ playing: true });
        if (get().freeRunning) {
          set({ freeRunning: false });
          await exec((c) => c.pause());
        }
        while (!ctl.signal.aborted) {
          const before = get().sim?.view.step ?? -1;
          const failed = failures;
          await exec((c) => c.step(get().granularity));
          if (ctl.signal.aborted) break;
          const sim = get().sim;
          if (!sim || failures !== failed || sim.view.step === before || stopsPlayback(sim)) break;
          if (!(await waitForNextStep(SPEEDS_MS[get().speed] ?? 0, ctl.signal))) break;
        }
        if (playback === ctl) {
          playback = null;
          set({ playing: false });
        }
      },
      pause: async () => {
        await halt();
      },
      togglePlay: () => (get().playing ? get().pause() : get().play()),

      freeRun: async () => {
        if (get().freeRunning) return;
        await halt();
        set({ freeRunning: true });
        chain = chain.then(async () => {
          try {
            await client.play((sample) => {
              if (!get().freeRunning) return;
              apply(sample);
              if (!sample.running) set({ freeRunning: false });
            });
          } catch (e) {
            set({ lastError: errorMessage(e), freeRunning: false });
          }
        });
        await chain;
      },
      stopFreeRun: () => halt(),

      setSpeed: (index) => set({ speed: clampSpeed(index) }),
      setGranularity: (granularity) => set({ granularity }),

      addBreakpoint: async (text) => {
        let breakpoint: Breakpoint;
        try {
          breakpoint = parseBreakpoint(text);
        } catch (e) {
          set({ breakpointError: refusalOf(e) });
          return false;
        }
        const impossible = get().sim ? unreachable(breakpoint, get().sim!.view) : null;
        if (impossible !== null) {
          set({ breakpointError: impossible });
          return false;
        }
        set({
          breakpointError: null,
          breakpoints: [...get().breakpoints, { id: nextBreakpointId++, text: text.trim(), breakpoint }],
        });
        await syncBreakpoints();
        return true;
      },
      removeBreakpoint: async (id) => {
        set({ breakpoints: get().breakpoints.filter((b) => b.id !== id) });
        await syncBreakpoints();
      },

      setPresenter: (presenter) => set({ presenter }),
      setLanguage: async (language) => {
        set({ language });
        await changeLanguage(language);
      },
      setQueueIndex: (q) => set({ queueIndex: q, followQueue: false }),
      setFollowQueue: (followQueue) => {
        const q = get().sim?.current?.queue;
        set(followQueue && q !== undefined ? { followQueue, queueIndex: q } : { followQueue });
      },
      dismissError: () => set({ lastError: null }),
    };
  });
}
