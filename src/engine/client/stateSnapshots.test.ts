import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from '../scenario/builtin';
import { Session } from '../session';
import { describe as describeMachine } from '../view';
import { timelineOf } from './localClient';
import { MemorySnapshotter } from './memoryImage';
import { StateSnapshots, TimelineCache, stepsShowing, writtenBy } from './stateSnapshots';

function session(name: string): Session {
  const scenario = builtinScenario(name);
  if (!scenario) throw new Error(name);
  return new Session(scenario, 1);
}

describe('StateSnapshots', () => {
  it('each state equals a fresh decode of the machine, memory and timeline, through steps and time travel', () => {
    const s = session('out-of-order');
    const snaps = new StateSnapshots();
    const check = () => {
      const st = snaps.take(s, false, null);
      const view = describeMachine(s.machine);
      if (view.ended === null) view.ended = s.runEnd();
      expect(st.view).toEqual(view);
      // Compared as one buffer: a deep equality of a megabyte, element by element, would take minutes.
      expect(Buffer.compare(st.memory.slice(), new Uint8Array(s.machine.mem.buffer))).toBe(0);
      expect(st.timeline).toEqual(timelineOf(s));
      return st;
    };
    check();
    for (let i = 0; i < 120; i++) {
      s.stepOnce();
      if (i % 7 === 0) check();
    }
    s.jump(30);
    check();
    s.back('function');
    check();
    s.jump(100);
    check();
  });

  it('keeps the identity of what a step did not change', () => {
    const s = session('out-of-order');
    const snaps = new StateSnapshots();
    for (let i = 0; i < 40; i++) s.stepOnce();
    const before = snaps.take(s, false, null);
    expect(snaps.take(s, false, null).view).toBe(before.view);
    s.stepOnce();
    const after = snaps.take(s, false, null);
    const written = new Set(after.current!.writes.map((w) => w.addr));
    expect(written.size).toBeGreaterThan(0);
    // Regions and most descriptors are untouched by one store: they are the same objects as before.
    expect(after.view.regions).toBe(before.view.regions);
    const q0 = after.view.queues[0]!;
    const sameDescs = q0.desc.filter((d, i) => d === before.view.queues[0]!.desc[i]).length;
    expect(sameDescs).toBeGreaterThanOrEqual(q0.size - 4);
    const unchangedPage = [...Array(Math.ceil(after.memory.length / 4096)).keys()].find(
      (p) => ![...written].some((a) => Math.floor(a / 4096) === p),
    )!;
    expect(after.memory.pageOf(unchangedPage * 4096)).toBe(before.memory.pageOf(unchangedPage * 4096));
  });
});

describe('memory images after live steps', () => {
  // WorkerClient compares only the pages a step's writes touch: that is sound only if every store a step leaves in
  // memory is one of its writes (capture plays each store back as its own step). Checked over every built-in.
  it('every byte a step changes lies in one of its writes, in every built-in scenario', () => {
    for (const scenario of BUILTIN_SCENARIOS) {
      const s = new Session(scenario, 7);
      const buffer = s.machine.mem.buffer;
      const hinted = new MemorySnapshotter();
      const full = new MemorySnapshotter();
      let last = full.take(buffer);
      hinted.take(buffer);
      for (let i = 0; i < 400; i++) {
        const r = s.stepOnce();
        if (!r) break;
        const h = hinted.take(buffer, writtenBy([r]));
        const f = full.take(buffer);
        for (let a = 0; a < f.length; a += 4096) {
          if (f.pageOf(a) === last.pageOf(a)) continue;
          expect(Buffer.compare(h.pageOf(a)!, f.pageOf(a)!), `${scenario.name} step ${r.index} page ${a / 4096}`).toBe(
            0,
          );
        }
        last = f;
      }
    }
  }, 60_000);
});

describe('TimelineCache', () => {
  it('matches a full scan as the run grows, and keeps its object when nothing was logged', () => {
    const s = session('write-batch-event-idx');
    const cache = new TimelineCache(3);
    let last = cache.of(s.log);
    for (let i = 0; i < 200; i++) {
      s.stepOnce();
      const t = cache.of(s.log);
      expect(t).toEqual(timelineOf(s, 3));
      last = t;
    }
    expect(cache.of(s.log)).toBe(last);
    s.jump(10);
    expect(cache.of(s.log)).toEqual(timelineOf(s, 3));
  });
});

describe('the timeline', () => {
  it('puts each event at the step that shows it: log[j] is step j+1', () => {
    expect(stepsShowing([0, 18])).toEqual([1, 19]);
    const s = new Session(builtinScenario('single-read')!, 1);
    s.runUntil('end', 10_000);
    const t = timelineOf(s);
    const landing = new Session(builtinScenario('single-read')!, 1);
    landing.runUntil('kick', 10_000);
    expect(t.kicks[0]).toBe(landing.step);
    expect(new TimelineCache().of(s.log)).toEqual(t);
  });
});
