import type { StoreApi } from 'zustand';
import type { SimStore } from '../store/store';
import { afterPaint } from '../lazy/afterPaint';
import { lessonPlaceStore } from '../lessons/lessonGate';
import { applyShareState, checkShareState, shareStateOf } from './applyShare';
import { followLesson, lessonProblems } from './lessonLink';
import { showNotice, whileBusy, type NoticeProblem } from './shareStore';
import {
  decodeShareHash,
  EMBED_PARAMS,
  encodeShareHash,
  NO_EMBED,
  SHARE_PARAMS,
  type EmbedOptions,
  type ShareProblem,
  type ShareState,
} from './urlCodec';

/** How long the address waits for the page to settle before it follows (playback moves several steps a second). */
const URL_DEBOUNCE_MS = 300;
/** The query parameters of the first version of links (?scenario=NAME&seed=N), still read. */
const LEGACY_SCENARIO = 'scenario';
const OWN = new Set<string>([...SHARE_PARAMS, ...EMBED_PARAMS, LEGACY_SCENARIO]);

export const noticeProblems = (problems: readonly ShareProblem[]): NoticeProblem[] =>
  problems.map((p) => ({ where: p.param, code: p.code, values: p.values, text: p.message }));

/**
 * The link's parameters from the query and the fragment together (the fragment wins): a link may say
 * ?embed=1#s=…, and old links say ?scenario=NAME&seed=N.
 */
export function linkParams(loc: Pick<Location, 'search' | 'hash'>): string {
  const merged = new URLSearchParams();
  new URLSearchParams(loc.search).forEach((v, k) => {
    if (k === LEGACY_SCENARIO) merged.set('s', v);
    else if (OWN.has(k)) merged.append(k, v);
  });
  const hash = new URLSearchParams(loc.hash.replace(/^#/, ''));
  for (const k of new Set(hash.keys())) {
    merged.delete(k);
    for (const v of hash.getAll(k)) merged.append(k, v);
  }
  return merged.toString();
}

/** True when the page was opened as an embed (?embed=1 or #…&embed=1). */
export function isEmbedRequested(loc: Pick<Location, 'search' | 'hash'> = location): boolean {
  return new URLSearchParams(linkParams(loc)).get('embed') === '1';
}

/** What a link to the page carries: the simulation's state and, outside an embed, the lesson open on it. */
function linkStateOf(s: SimStore, withLesson = true): ShareState {
  const place = withLesson ? lessonPlaceStore.getState().place : null;
  return place ? { ...shareStateOf(s), lesson: place } : shareStateOf(s);
}

/**
 * Everything that keeps a decoded state from opening: its scenario and step (replayed, see checkShareState) and its
 * lesson, checked against the lessons' catalog, which only a link with a lesson loads.
 */
async function problemsOf(state: ShareState): Promise<ShareProblem[]> {
  const checked = await whileBusy((progress) => checkShareState(state, progress));
  const problems = checked.ok ? [] : [...checked.problems];
  if (state.lesson) problems.push(...(await lessonProblems(state.lesson)));
  return problems;
}

/** Puts the page in a checked state, lesson included: a link without one closes the lesson open on the page. */
async function openState(store: StoreApi<SimStore>, state: ShareState): Promise<void> {
  // A step deep into a run is reached by running there, a slice at a time: the page says it is working.
  await whileBusy(() => applyShareState(store, state));
  // A link with only a lesson's place (no step, e.g. typed on a slide) takes the simulation to the stop.
  await followLesson(state.lesson, state.step === null);
}

/**
 * Opens what the address says, once at start. A link that cannot be opened falls back to the default scenario
 * and the page says which parameter is wrong. Returns the embed options the link asked for, and the address it
 * opened (`href`: give it to startUrlSync, which opens a link pasted meanwhile).
 */
export async function openFromUrl(store: StoreApi<SimStore>): Promise<EmbedOptions & { href: string }> {
  // The page's frame is painted first; the engine (and its workers) start right after.
  await afterPaint();
  const href = location.href;
  const decoded = await decodeShareHash(linkParams(location));
  if (decoded.ok && decoded.state) {
    // An embed shows no lesson (and loads none).
    const { lesson, ...rest } = decoded.state;
    const state = decoded.embed.embed || !lesson ? rest : { ...rest, lesson };
    const problems = await problemsOf(state);
    if (problems.length === 0) {
      await openState(store, state);
      return { ...decoded.embed, href };
    }
    showNotice({ kind: 'error', title: 'notice.badLinkStart', problems: noticeProblems(problems) });
  } else if (!decoded.ok) {
    showNotice({ kind: 'error', title: 'notice.badLinkStart', problems: noticeProblems(decoded.problems) });
  }
  store.setState({ scenarioName: store.getInitialState().scenarioName, custom: null });
  await store.getState().load();
  return { ...(decoded.ok ? decoded.embed : { ...NO_EMBED, embed: isEmbedRequested() }), href };
}

/** The address of the page showing `hash`: other features' fragment parameters kept, old query parameters dropped. */
export function addressWith(href: string, hash: string): string {
  const url = new URL(href);
  for (const k of [...url.searchParams.keys()]) if (OWN.has(k) || k === 'seed') url.searchParams.delete(k);
  const foreign = new URLSearchParams(url.hash.replace(/^#/, ''));
  for (const k of [...foreign.keys()]) if (OWN.has(k)) foreign.delete(k);
  const rest = foreign.toString();
  url.hash = rest ? `${hash}&${rest}` : hash;
  return url.toString();
}

/** The link to what the page shows now. */
export async function currentLink(store: StoreApi<SimStore>, embed: EmbedOptions = NO_EMBED): Promise<string> {
  const hash = await encodeShareHash(linkStateOf(store.getState(), !embed.embed), embed);
  const url = new URL(addressWith(location.href, hash));
  return url.toString();
}

/**
 * Keeps the address in step with the page (replaceState, debounced: no history entries), and opens a link pasted
 * into the address bar (hashchange). `opened`: the address the page opened; a link pasted while it was still
 * opening (no listener yet) is opened now. Returns the function that stops it.
 */
export function startUrlSync(store: StoreApi<SimStore>, opened = location.href): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let written = opened;
  let lastState = '';

  const write = async () => {
    timer = null;
    const s = store.getState();
    if (!s.sim) return;
    // The address moved since we last wrote it, or moves while we encode: a link was pasted or opened (during
    // playback a write is nearly always pending). That navigation wins: the hashchange handler opens it, and
    // writing resumes from there.
    const from = location.href;
    if (from !== written) return;
    const hash = await encodeShareHash(linkStateOf(s));
    if (location.href !== from) return;
    const next = addressWith(location.href, hash);
    written = next;
    if (next !== location.href) history.replaceState(history.state, '', next);
  };

  const schedule = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => void write(), URL_DEBOUNCE_MS);
  };

  const changed = () => {
    const key = JSON.stringify(linkStateOf(store.getState()));
    if (key === lastState) return;
    lastState = key;
    schedule();
  };
  const unsubscribe = store.subscribe(changed);
  const unsubscribeLesson = lessonPlaceStore.subscribe(changed);

  const onHashChange = async () => {
    if (location.href === written) return;
    written = location.href;
    const decoded = await decodeShareHash(linkParams(location));
    const problems = !decoded.ok ? decoded.problems : decoded.state ? await problemsOf(decoded.state) : [];
    if (problems.length > 0) {
      showNotice({ kind: 'error', title: 'notice.badLink', problems: noticeProblems(problems) });
      await write();
      return;
    }
    if (decoded.ok && decoded.state) {
      showNotice(null);
      await openState(store, decoded.state);
    }
  };
  const listener = () => void onHashChange();
  window.addEventListener('hashchange', listener);
  if (location.href !== opened) listener();
  else schedule();
  return () => {
    unsubscribe();
    unsubscribeLesson();
    window.removeEventListener('hashchange', listener);
    if (timer !== null) clearTimeout(timer);
  };
}
