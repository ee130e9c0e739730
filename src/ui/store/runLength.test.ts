import { describe, expect, it } from 'vitest';
import { LocalClient } from '../../engine/client/localClient';
import { trackRunLength } from './runLength';
import { createSimStore } from './store';

describe('trackRunLength', () => {
  it('knows the length once the end is reached, keeps it while stepping back, forgets it on a new load', async () => {
    const store = createSimStore({ client: new LocalClient(), scenarioName: 'single-read', seed: 1, language: 'en' });
    const length = trackRunLength(store);
    await store.getState().load();
    await store.getState().step();
    expect(length.getState().length).toBeNull();
    await store.getState().runUntil('end');
    const end = store.getState().sim!.view.step;
    expect(length.getState().length).toBe(end);
    await store.getState().jump(5);
    expect(length.getState().length).toBe(end);
    await store.getState().selectScenario('write-batch-flags');
    expect(length.getState().length).toBeNull();
    await store.getState().step();
    expect(length.getState().length).toBeNull();
  });
});
