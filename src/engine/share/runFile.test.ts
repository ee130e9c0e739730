import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import { Session } from '../session';
import { replay } from './replay';
import { buildRunFile, parseRunFile, RUN_FORMAT, verifyRunFile, type RunSettings } from './runFile';

const settings: RunSettings = {
  granularity: 'function',
  speed: 3,
  language: 'zh-CN',
  presenter: true,
  queue: null,
  breakpoints: ['avail.idx == 1'],
};
const singleRead = builtinScenario('single-read')!;

function exported(step = 30) {
  const built = buildRunFile({ scenario: singleRead, seed: 1, step, settings }, '2026-01-01T00:00:00.000Z');
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return built.value;
}

describe('replay', () => {
  it('takes the steps a session takes', () => {
    const session = new Session(singleRead, 1);
    session.jump(25);
    const r = replay(singleRead, 1, 25);
    expect(r).toMatchObject({ reached: 25, ended: false });
    expect(r.last?.explain).toBe(session.current?.explain);
    expect(r.last?.writes).toEqual(session.current?.writes);
  });

  it('stops at the end of the run', () => {
    const r = replay(singleRead, 1, 1_000_000);
    expect(r.ended).toBe(true);
    expect(r.reached).toBeGreaterThan(30);
    expect(r.reached).toBeLessThan(1000);
  });
});

describe('run files', () => {
  it('export, serialize, parse and verify', () => {
    const file = exported();
    expect(file).toMatchObject({ format: RUN_FORMAT, version: 1, seed: 1, step: 30, settings });
    expect(file.log).toHaveLength(30);
    expect(file.log[15]).toMatchObject({ actor: 'vcpu0', kind: 'barrier' });
    expect(file.log.some((s) => s.writes.length > 0)).toBe(true);
    const parsed = parseRunFile(JSON.stringify(file));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.scenario).toEqual(singleRead);
    expect(verifyRunFile(parsed.value)).toBeNull();
  });

  it('step 0 has an empty log', () => {
    const file = exported(0);
    expect(file.log).toEqual([]);
    const parsed = parseRunFile(JSON.stringify(file));
    expect(parsed.ok && verifyRunFile(parsed.value)).toBeNull();
  });

  it('refuses to export past the end of the run', () => {
    const built = buildRunFile({ scenario: singleRead, seed: 1, step: 1_000_000, settings });
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.problems[0]!.path).toBe('step');
  });

  const problemsOf = (text: string) => {
    const r = parseRunFile(text);
    return r.ok ? [] : r.problems;
  };

  it('names what is wrong with a malformed file', () => {
    expect(problemsOf('{ not json')[0]).toMatchObject({ path: '(root)', message: /not valid JSON/ });
    expect(problemsOf('[]')[0]).toMatchObject({ path: '(root)' });
    expect(problemsOf(JSON.stringify({ format: 'something-else' }))[0]).toMatchObject({ path: 'format' });
    const file = exported(5);
    expect(problemsOf(JSON.stringify({ ...file, version: 2 }))[0]).toMatchObject({ path: 'version', message: /newer/ });
    expect(problemsOf(JSON.stringify({ ...file, seed: -1 }))[0]!.path).toBe('seed');
    expect(problemsOf(JSON.stringify({ ...file, step: 6 }))[0]).toMatchObject({ path: 'log', message: /5 steps/ });
    const badWrite = structuredClone(file);
    badWrite.log[1]!.writes = [{ addr: 1, old: 'zz', new: '00' }];
    expect(problemsOf(JSON.stringify(badWrite))[0]!.path).toBe('log.1.writes.0.old');
    const badActor = structuredClone(file);
    (badActor.log[2] as { actor: string }).actor = 'gpu';
    expect(problemsOf(JSON.stringify(badActor))[0]!.path).toBe('log.2.actor');
    const extra = { ...file, settings: { ...file.settings, colour: 'red' } };
    expect(problemsOf(JSON.stringify(extra))[0]!.path).toBe('settings');
  });

  it('names the scenario field that is invalid', () => {
    const file = exported(5);
    const bad = { ...file, scenario: { ...file.scenario, queue: { ...file.scenario.queue, size: 3 } } };
    expect(problemsOf(JSON.stringify(bad))[0]).toMatchObject({ path: 'scenario.queue.size', message: /power of 2/ });
  });

  it('verification finds the first step that differs from the replay', () => {
    const file = exported();
    const written = file.log.findIndex((s) => s.writes.length > 0);
    const tampered = structuredClone(file);
    tampered.log[written]!.writes[0]!.new = tampered.log[written]!.writes[0]!.new.replace(/^../, 'ee');
    expect(verifyRunFile(tampered)).toMatchObject({ path: `log.${written}.writes.0.new` });
    const fn = structuredClone(file);
    fn.log[20]!.fn = 'virtqueue_kick_prepare_split_not';
    expect(verifyRunFile(fn)).toMatchObject({ path: 'log.20.fn', message: /replaying the run gives/ });
    const seed = { ...structuredClone(file), scenario: builtinScenario('out-of-order')! };
    expect(verifyRunFile(seed)?.path).toMatch(/^log\.\d+\./);
  });

  it("names the viewer's step (step N is after N steps, so log[N-1]) in a log entry's problem", () => {
    const file = exported();
    const fn = structuredClone(file);
    fn.log[17]!.fn = 'not_the_function';
    const problem = verifyRunFile(fn)!;
    expect(problem.path).toBe('log.17.fn');
    expect(problem.message).toMatch(/^step 18 \(log\[17\]\): the file says "not_the_function" but replaying/);
    // Opening step 18 in the viewer shows the step that log[17] is.
    const session = new Session(singleRead, 1);
    session.jump(18);
    expect(session.current?.fn).toBe(file.log[17]!.fn);
    const badWrite = structuredClone(file);
    badWrite.log[1]!.writes = [{ addr: 1, old: 'zz', new: '00' }];
    const r = parseRunFile(JSON.stringify(badWrite));
    expect(!r.ok && r.problems[0]).toMatchObject({ path: 'log.1.writes.0.old', message: /^step 2 \(log\[1\]\): / });
    // Problems elsewhere in the file name no step.
    const r2 = parseRunFile(JSON.stringify({ ...file, seed: -1 }));
    expect(!r2.ok && r2.problems[0]!.message).not.toMatch(/^step/);
  });

  it('an IOThread interrupt logged under another function name is refused at that step', () => {
    const file = exported(38);
    const irq = file.log.findIndex((s) => s.fn === 'virtio_notify_irqfd');
    expect(irq).toBeGreaterThan(0);
    const old = structuredClone(file);
    old.log[irq]!.fn = 'virtio_notify';
    expect(verifyRunFile(old)).toMatchObject({ path: `log.${irq}.fn` });
  });

  it('verification reports a step past the end', () => {
    const end = replay(singleRead, 1, 1_000_000).reached;
    const file = exported(end);
    const longer = { ...file, step: end + 1, log: [...file.log, file.log[0]!] };
    expect(verifyRunFile(longer)).toMatchObject({ path: 'step', message: /past the end/ });
  });
});
