import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../engine/scenario/builtin';
import { Session } from '../engine/session';
import { describe as viewOf, type MachineView } from '../engine/view';
import { parseBreakpoint } from '../engine/breakpoint';
import { ANSWERS, DETECTOR, answerOf } from './answers';

/** The state of a built-in scenario at the step that makes `condition` true (or at its end). */
function stateAt(name: string, condition: string | 'end', seed = 1): MachineView {
  const s = new Session(builtinScenario(name)!, seed);
  if (condition === 'end') s.runUntil('end');
  else {
    s.breakpoints = [parseBreakpoint(condition)];
    expect(s.runUntil('breakpoint')).toBe('breakpoint');
  }
  return viewOf(s.machine);
}

describe('answer functions', () => {
  it('read slots, indices and lengths from the ring in memory', () => {
    const published = stateAt('single-read', 'avail.idx == 1');
    expect(answerOf('slotLastPublished', published)).toBe(0);
    expect(answerOf('availIdx', published)).toBe(1);
    expect(answerOf('newestChainLength', published)).toBe(3);
    expect(answerOf('newestDataDesc', published)).toBe(1);
    expect(answerOf('newestIndirectEntries', published)).toBe(0);
    expect(answerOf('pendingAvail', published)).toBe(1);

    const pushed = stateAt('single-read', 'used.idx == 1');
    expect(answerOf('slotDeviceRead', pushed)).toBe(0);
    expect(answerOf('usedIdx', pushed)).toBe(1);
    expect(answerOf('lastUsedLen', pushed)).toBe(4096 + 1);
  });

  it('follow free-running indices across 65535', () => {
    const wrapped = stateAt('index-wrap', 'avail.idx == 0');
    expect(answerOf('availIdx', wrapped)).toBe(0);
    expect(answerOf('slotLastPublished', wrapped)).toBe(65535 % 4);
    // (u16)(0 − last_avail_idx): the count stays right across the wrap.
    const last = wrapped.queues[0]!.device!.last_avail_idx;
    expect(answerOf('pendingAvail', wrapped)).toBe((0x10000 - last) & 0xffff);
    // A 4-entry ring with all four published and none collected: full, which mod 4 would look empty.
    const full = stateAt('index-wrap', 'num_free == 0');
    const q = full.queues[0]!;
    expect(answerOf('inFlight', full)).toBe((q.avail.idx - q.driver.last_used_idx) & 0xffff);
  });

  it('count indirect tables, free descriptors, notifications and completions', () => {
    const indirect = stateAt('indirect', 'avail.idx == 1');
    expect(answerOf('newestChainLength', indirect)).toBe(1);
    expect(answerOf('newestIndirectEntries', indirect)).toBe(3);
    expect(answerOf('numFree', indirect)).toBe(7);
    expect(answerOf('freeHead', indirect)).toBe(1);

    const end = stateAt('lesson-paravirt', 'end');
    expect(answerOf('kicks', end)).toBe(end.counters.kicks);
    expect(answerOf('interrupts', end)).toBe(end.counters.interrupts);
    expect(answerOf('completed', end)).toBe(8);
    expect(answerOf('lastCompletedRequest', end)).toBe(end.requests.filter((r) => r.stage === 'completed').at(-1)!.id);
  });

  it('name the IOThread of a queue: q mod the number of IOThreads', () => {
    const shared = stateAt('lesson-multiqueue-shared', 'vq1.avail.idx == 1');
    const perQueue = stateAt('lesson-multiqueue-per-queue', 'vq3.avail.idx == 1');
    expect(answerOf('iothreadOfQueue', shared, 1)).toBe(0);
    expect(answerOf('iothreadOfQueue', perQueue, 1)).toBe(1);
    expect(answerOf('iothreadOfQueue', perQueue, 3)).toBe(3);
  });

  it('tell who detected a bug: the device, the driver, or nobody', () => {
    expect(answerOf('detector', stateAt('bad-guest-looped-chain', 'end'))).toBe(DETECTOR.device);
    expect(answerOf('detector', stateAt('bad-guest-missing-barrier', 'end'))).toBe(DETECTOR.driver);
    expect(answerOf('detector', stateAt('bad-guest-wrong-used-len', 'end'))).toBe(DETECTOR.nobody);
    expect(answerOf('detector', stateAt('single-read', 'end'))).toBe(DETECTOR.nobody);
  });

  it('refuse to answer about what is not there', () => {
    const start = stateAt('single-read', 'avail.idx == 1');
    expect(() => answerOf('newestChainLength', start, 3)).toThrow(/no vq3/);
    const idle = stateAt('single-read', 'end');
    expect(() => ANSWERS.newestChainLength(idle, 0)).toThrow(/no chain/);
    expect(() => answerOf('lastCompletedRequest', { ...idle, requests: [] })).toThrow(/no request/);
    expect(() => ANSWERS.iothreadOfQueue({ ...idle, actors: [] }, 0)).toThrow(/no IOThread/);
    expect(() => ANSWERS.slotDeviceRead({ ...idle, queues: [{ ...idle.queues[0]!, device: null }] }, 0)).toThrow(
      /not set up/,
    );
  });
});
