import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { LocalClient } from '../../engine/client/localClient';
import type { SimulationState } from '../../engine/client/types';
import type { QueueView } from '../../engine/view';
import { builtinScenario } from '../../engine/scenario/builtin';
import { AvailRing } from '../components/AvailRing';
import { UsedRing } from '../components/UsedRing';
import { ringsI18n } from '../components/testing/i18n';
import { changedAddresses } from './changed';
import {
  NO_RING_CHANGES,
  availRingChanges,
  changedWithin,
  sameAvailRingInputs,
  sameUsedRingInputs,
  usedRingChanges,
} from './ringInputs';

describe('changedWithin', () => {
  it('keeps the addresses in the range, and gives the shared empty set when there are none', () => {
    const changed = new Set([5, 10, 11, 40]);
    expect([...changedWithin(changed, 10, 4)]).toEqual([10, 11]);
    expect(changedWithin(changed, 12, 20)).toBe(NO_RING_CHANGES);
    expect(changedWithin(new Set(), 0, 100)).toBe(NO_RING_CHANGES);
    expect([...changedWithin(changed, 0, 6)]).toEqual([5]);
    expect([...changedWithin(changed, 40, 1)]).toEqual([40]);
    expect(changedWithin(changed, 41, 1)).toBe(NO_RING_CHANGES);
  });

  it('gives the same set for the same changes and range, and a new one for a new step', () => {
    const changed = new Set([10, 11]);
    expect(changedWithin(changed, 8, 8)).toBe(changedWithin(changed, 8, 8));
    expect(changedWithin(new Set([10, 11]), 8, 8)).not.toBe(changedWithin(changed, 8, 8));
  });
});

const en = ringsI18n('en');
const html = (ring: typeof AvailRing, queue: QueueView, changed: Set<number>) =>
  renderToStaticMarkup(createElement(I18nextProvider, { i18n: en }, createElement(ring, { queue, changed })));

describe('sameAvailRingInputs / sameUsedRingInputs', () => {
  // What makes it safe for the memoised rings to skip a step: whenever the inputs are the same and the ring's
  // bytes were not written, the panel draws exactly what it drew before. Checked step by step over real runs,
  // and the skip must actually happen (the point: a step re-renders only the ring it changed).
  it('a ring whose inputs are the same draws the same markup, over every queue of real runs', async () => {
    let skipped = 0;
    let drawn = 0;
    for (const name of ['random-soak', 'out-of-order', 'indirect', 'two-queues-two-iothreads']) {
      const client = new LocalClient();
      let prev: SimulationState = await client.load(builtinScenario(name)!, 3);
      let prevChanged = changedAddresses(prev.current);
      for (let i = 0; i < 80; i++) {
        const next = await client.step('write');
        const nextChanged = changedAddresses(next.current);
        next.view.queues.forEach((q, k) => {
          const p = prev.view.queues[k]!;
          const rings = [
            { view: AvailRing, same: sameAvailRingInputs, changes: availRingChanges },
            { view: UsedRing, same: sameUsedRingInputs, changes: usedRingChanges },
          ];
          for (const r of rings) {
            const a = r.changes(prevChanged, p);
            const b = r.changes(nextChanged, q);
            if (r.same(p, q) && a === b) {
              skipped++;
              expect(html(r.view, q, b)).toBe(html(r.view, p, a));
            } else drawn++;
          }
        });
        prev = next;
        prevChanged = nextChanged;
      }
      client.dispose();
    }
    expect(skipped).toBeGreaterThan(drawn);
  }, 120_000);

  it('a ring is drawn again when a slot head changes request, or a private index moves', async () => {
    const client = new LocalClient();
    const st = await client.load(builtinScenario('out-of-order')!, 1);
    const q = st.view.queues[0]!;
    expect(sameAvailRingInputs(q, { ...q })).toBe(true);
    expect(sameAvailRingInputs(q, { ...q, driver: { ...q.driver, avail_idx_shadow: 7 } })).toBe(false);
    expect(sameUsedRingInputs(q, { ...q, driver: { ...q.driver, last_used_idx: 7 } })).toBe(false);
    const head = q.avail.ring[0]!;
    const desc = q.desc.map((d, i) => (i === head ? { ...d, request: 99 } : d));
    expect(sameAvailRingInputs(q, { ...q, desc })).toBe(false);
    expect(sameAvailRingInputs(q, { ...q, avail: { ...q.avail } })).toBe(false);
    expect(sameUsedRingInputs(q, { ...q, used: { ...q.used } })).toBe(false);
    client.dispose();
  });
});
