// A development page (gallery.html, served by `npx vite`; not part of the production build) that shows every
// visual component on live data, to look at them while working on them. ?scenario=NAME&fn=N&lng=zh-CN
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { LocalClient } from '../../engine/client/localClient';
import type { SimulationState } from '../../engine/client/types';
import { BUILTIN_SCENARIOS, builtinScenario } from '../../engine/scenario/builtin';
import type { Granularity } from '../../engine/step';
import { useStepSentence } from '../code/stepSentence';
import { ringsI18n } from './testing/i18n';
import {
  AvailRing,
  DescriptorTable,
  DeviceState,
  DriverState,
  KickInterruptLayer,
  MemoryView,
  RequestsTable,
  StructuresView,
  Timeline,
  UsedRing,
} from './index';

const params = new URLSearchParams(location.search);
const i18n = ringsI18n(params.get('lng') === 'zh-CN' ? 'zh-CN' : 'en');

function written(st: SimulationState | null): Set<number> {
  const out = new Set<number>();
  for (const w of st?.current?.writes ?? []) for (let i = 0; i < w.new.length / 2; i++) out.add(w.addr + i);
  return out;
}

function Gallery() {
  const [client, setClient] = useState<LocalClient | null>(null);
  const [name, setName] = useState(params.get('scenario') ?? 'indirect');
  const [st, setSt] = useState<SimulationState | null>(null);
  const [q, setQ] = useState(0);
  const sentence = useStepSentence();

  // One client per load: StrictMode runs this twice, and two loads must not interleave on one client.
  useEffect(() => {
    const c = new LocalClient();
    let live = true;
    void (async () => {
      let s = await c.load(builtinScenario(name)!, Number(params.get('seed') ?? 1));
      const fn = Number(params.get('fn') ?? 0);
      for (let i = 0; i < fn; i++) s = await c.step('function');
      const w = Number(params.get('w') ?? 0);
      for (let i = 0; i < w; i++) s = await c.step('write');
      const until = params.get('until');
      if (until) s = await c.runUntil(until as 'kick');
      if (live) {
        setClient(c);
        setSt(s);
      }
    })();
    return () => {
      live = false;
      c.dispose();
    };
  }, [name]);

  const go = useCallback(
    async (g: Granularity, back = false) => {
      if (client) setSt(await (back ? client.back(g) : client.step(g)));
    },
    [client],
  );
  const changed = useMemo(() => written(st), [st]);
  if (!st) return <p>loading…</p>;
  const queue = st.view.queues[q] ?? st.view.queues[0]!;
  return (
    <main style={{ padding: '0.6rem', display: 'grid', gap: '0.6rem', fontFamily: 'system-ui, sans-serif' }}>
      <div style={{ display: 'flex', gap: '0.4rem', flexWrap: 'wrap', alignItems: 'center' }}>
        <select aria-label="Scenario" value={name} onChange={(e) => setName(e.target.value)}>
          {BUILTIN_SCENARIOS.map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
        <button onClick={() => void go('write', true)}>◀ write</button>
        <button onClick={() => void go('write')}>write ▶</button>
        <button onClick={() => void go('function', true)}>◀ fn</button>
        <button onClick={() => void go('function')}>fn ▶</button>
        <button onClick={() => void go('request')}>request ▶</button>
        {st.view.queues.length > 1 && <button onClick={() => setQ((q + 1) % st.view.queues.length)}>queue {q}</button>}
        <span data-testid="gallery-step">
          step {st.view.step} · {st.current ? `${st.current.fn}: ${sentence(st.current)}` : 'start'}
        </span>
      </div>
      <Timeline timeline={st.timeline} step={st.view.step} onJump={(k) => void client?.jump(k).then(setSt)} />
      <KickInterruptLayer current={st.current} />
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(20rem, 1fr))', gap: '0.6rem' }}>
        <DriverState queue={queue} />
        <DeviceState queue={queue} />
      </div>
      <DescriptorTable queue={queue} changed={changed} />
      <AvailRing queue={queue} changed={changed} />
      <UsedRing queue={queue} changed={changed} />
      <StructuresView queue={queue} />
      <RequestsTable requests={st.view.requests} />
      <MemoryView memory={st.memory} regions={st.view.regions} changed={changed} />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <Gallery />
    </I18nextProvider>
  </StrictMode>,
);
