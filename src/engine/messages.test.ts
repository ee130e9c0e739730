import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Machine } from './machine/machine';
import {
  STEP_TEMPLATES,
  message,
  messageRegion,
  namingRegion,
  renderMessage,
  renderStep,
  templateParams,
  type StepMessage,
  type StepMessageKey,
} from './messages';
import { BUILTIN_SCENARIOS } from './scenario/builtin';
import { FAULT_KINDS, type Scenario } from './scenario/schema';
import type { StepRecord } from './step';

const ENGINE = fileURLToPath(new URL('.', import.meta.url));
const KEYS = Object.keys(STEP_TEMPLATES) as StepMessageKey[];

// Options i18next reads from the object that also carries the interpolation values: a parameter with one of
// these names would change how the UI looks the sentence up instead of being inserted.
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'lng',
  'lngs',
  'ns',
  'defaultValue',
  'replace',
  'ordinal',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'keySeparator',
  'nsSeparator',
  'fallbackLng',
]);

/**
 * Keys the scenarios below never reach (checked: one that becomes reached must leave this list). They are still
 * real paths: stores outside the usual fields, decisions these workloads do not meet.
 */
const NOT_REACHED = new Set<StepMessageKey>([
  'desc.bytes', // a store covering part of a descriptor's fields
  'indirect.bytes',
  'region.bytes', // a region kind with no sentence of its own
  'write.raw', // a store outside every region: a device completing into buffers the guest has already freed
  'barrier.virtio_store_mb', // virtqueue_get_buf_split with callbacks on; virtblk_done turns them off first
  'io.submitted', // a request handed to the disk without a sector
  'withFault', // not a step's own key: renderStep() joins a sentence and its fault with it
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Every built-in scenario, and each fault injected into a batch with and without EVENT_IDX. */
function scenarios(): Scenario[] {
  const byName = (n: string) => BUILTIN_SCENARIOS.find((s) => s.name === n)!;
  const withFault = (s: Scenario, kind: (typeof FAULT_KINDS)[number], atRequest: number): Scenario => ({
    ...s,
    name: `${s.name}-${kind}`,
    faults: [{ kind, atRequest }],
  });
  return [
    ...BUILTIN_SCENARIOS,
    ...FAULT_KINDS.map((k) => withFault(byName('write-batch-event-idx'), k, 1)),
    ...FAULT_KINDS.map((k) => withFault(byName('write-batch-flags'), k, 0)),
  ];
}

function records(scenario: Scenario, limit = 3000): StepRecord[] {
  const m = new Machine({ scenario, seed: 1 });
  const out: StepRecord[] = [];
  m.onStep = (r) => out.push(r);
  while (out.length < limit && m.stepOnce()) {
    /* stepping */
  }
  return out;
}

const sameParams = (m: StepMessage): void => {
  expect(Object.keys(m.params).sort(), m.key).toEqual(templateParams(m.key).sort());
  for (const v of Object.values(m.params)) expect(['string', 'number'], m.key).toContain(typeof v);
};

/** A region label parameter comes with the region's parts, and the parameter is that region's English label. */
const regionsMatch = (m: StepMessage): void => {
  const param = templateParams(m.key).find((p) => p === 'label' || p === 'table');
  if (param && m.params[param] !== 'guest memory') expect(m.regions?.[param], m.key).toBeDefined();
  for (const [name, region] of Object.entries(m.regions ?? {})) {
    expect(m.params[name], `${m.key}.${name}`).toBe(region!.label);
    expect(
      Object.keys(region!).every((k) => ['kind', 'label', 'queue', 'owner'].includes(k)),
      m.key,
    ).toBe(true);
  }
};

describe('step messages', () => {
  it('every key the engine emits has an English template, with exactly its parameters', () => {
    const emitted = new Set<string>();
    for (const s of scenarios()) {
      for (const r of records(s)) {
        for (const m of [r.message, r.fault]) {
          if (!m) continue;
          expect(KEYS, `${s.name} step ${r.index}`).toContain(m.key);
          sameParams(m);
          regionsMatch(m);
          emitted.add(m.key);
        }
        expect(r.explain).toBe(renderStep(r.message, r.fault));
        expect(r.explain).not.toMatch(/\{\{|\}\}/);
      }
    }
    // Each template is either reached above or listed as unreached, so a dead or unreachable one is noticed.
    expect(KEYS.filter((k) => !emitted.has(k) && !NOT_REACHED.has(k))).toEqual([]);
    expect(
      [...NOT_REACHED].filter((k) => emitted.has(k)),
      'reached after all: drop from NOT_REACHED',
    ).toEqual([]);
  }, 60_000); // every built-in scenario and every fault, stepped to the end (or 3000 steps)

  it("every key named in the engine's source has a template", () => {
    const unknown: string[] = [];
    for (const file of sourceFiles(ENGINE)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bmessage\(\s*'([^']+)'/g)) {
        if (!(m[1]! in STEP_TEMPLATES)) unknown.push(`${relative(ENGINE, file)}: ${m[1]}`);
      }
      // Keys chosen through a table (barriers): string literals shaped like 'barrier.…'.
      for (const m of text.matchAll(/'(barrier\.[\w.]+)'/g)) {
        if (!(m[1]! in STEP_TEMPLATES)) unknown.push(`${relative(ENGINE, file)}: ${m[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('keys nest as a JSON tree: no key is a prefix of another', () => {
    const clashes = KEYS.flatMap((a) => KEYS.filter((b) => b.startsWith(`${a}.`)).map((b) => `${a} / ${b}`));
    expect(clashes).toEqual([]);
    for (const k of KEYS) expect(k).toMatch(/^[A-Za-z_]+(\.[A-Za-z_]+)*$/);
  });

  it('no parameter is named like an i18next option', () => {
    const bad = KEYS.flatMap((k) =>
      templateParams(k)
        .filter((p) => I18NEXT_OPTIONS.has(p))
        .map((p) => `${k}: ${p}`),
    );
    expect(bad).toEqual([]);
  });

  it('renders English from a key and its parameters', () => {
    expect(renderMessage(message('desc.flags', { q: 0, i: 3, value: 'NEXT|WRITE' }))).toBe(
      'vq0 descriptor 3: flags = NEXT|WRITE',
    );
    expect(renderMessage(message('avail.usedEvent', { q: 1, value: 7 }))).toBe(
      'vq1 used_event = 7: interrupt me once used.idx passes 7',
    );
    expect(renderMessage(message('device.error', { message: 'Looped descriptor', spec: '2.7.5.2' }))).toBe(
      'device error: Looped descriptor (virtio spec §2.7.5.2)',
    );
    expect(renderStep(message('avail.ring', { q: 0, slot: 1, value: 3 }), message('fault.missingBarrier.late'))).toBe(
      'vq0 avail.ring[1] = 3: head of the chain. fault: no virtio_wmb, so this store becomes visible only after avail.idx',
    );
  });

  it("a region's parts ride beside its label, which stays the English parameter", () => {
    const region = { start: 0x2000, size: 16, kind: 'blk-header', label: 'req 3 out_hdr', owner: 3 } as const;
    expect(messageRegion({ ...region, queue: undefined })).toEqual({
      kind: 'blk-header',
      label: 'req 3 out_hdr',
      owner: 3,
    });
    const m = namingRegion(message('blk.outhdr', { label: region.label }), 'label', { ...region, queue: 1 });
    expect(m).toEqual({
      key: 'blk.outhdr',
      params: { label: 'req 3 out_hdr' },
      regions: { label: { kind: 'blk-header', label: 'req 3 out_hdr', queue: 1, owner: 3 } },
    });
    expect(renderMessage(m)).toBe('req 3 out_hdr: virtio_blk_outhdr written (type, ioprio, sector)');
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('leaves a missing parameter visible instead of inventing a value', () => {
    expect(renderMessage({ key: 'kick.sent', params: {} })).toBe(
      'kick: the driver notifies the device that vq{{q}} has new buffers',
    );
  });

  it('a parameter value is inserted as it is, never read as a template', () => {
    expect(renderMessage(message('device.error', { message: 'odd {{spec}} text', spec: '2.7' }))).toBe(
      'device error: odd {{spec}} text (virtio spec §2.7)',
    );
  });
});
