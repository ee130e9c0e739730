import { readFileSync } from 'node:fs';
import { Session } from '../src/engine/session';
import { validateScenario } from '../src/engine/scenario/validate';
import type { Granularity } from '../src/engine/step';

/** What the engine itself says after `n` steps of a built-in scenario: the numbers the page must show. */
export interface Expected {
  step: number;
  availIdx: number;
  usedIdx: number;
  numFree: number;
  lastUsedIdx: number;
  lastAvailIdx: number | null;
  desc: { index: number; addr: number; len: number; flags: number; next: number }[];
  fn: string | null;
}

export function engineAfter(
  scenarioName: string,
  seed: number,
  n: number,
  granularity: Granularity = 'write',
): Expected {
  const url = new URL(`../src/engine/scenario/builtin/${scenarioName}.json`, import.meta.url);
  const result = validateScenario(JSON.parse(readFileSync(url, 'utf8')));
  if (!result.ok) throw new Error(`${scenarioName} is not a valid scenario`);
  const session = new Session(result.scenario, seed);
  for (let i = 0; i < n; i++) session.forward(granularity);
  const m = session.machine;
  const vq = m.driver.vqs[0]!;
  const devq = m.device.vdev.vq[0]?.queue ?? null;
  return {
    step: m.stepCount,
    availIdx: vq.ring.availIdx(),
    usedIdx: vq.ring.usedIdx(),
    numFree: vq.state.num_free,
    lastUsedIdx: vq.state.last_used_idx,
    lastAvailIdx: devq ? devq.state.last_avail_idx : null,
    desc: Array.from({ length: vq.ring.size }, (_, i) => {
      const d = vq.ring.readDesc(i);
      return { index: i, addr: Number(d.addr), len: d.len, flags: d.flags, next: d.next };
    }),
    fn: session.current?.fn ?? null,
  };
}
