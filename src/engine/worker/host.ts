import { Machine } from '../machine/machine';
import { SIG } from '../machine/signals';
import type { ActorId } from '../step';
import type { FromWorker, Port, ToWorker } from './protocol';
import { readState, writeState } from './stateBuffer';
import { deviceOnly, fromWire, playbackOnly, toWire } from './wireState';

/** How long a free-running worker with nothing to do sleeps on a signal word before looking again (ms). */
const IDLE_WAIT_MS = 5;
/** With a CPU share set, how long a worker works before it pauses for its share (ms). */
const SHARE_SLICE_MS = 4;

/**
 * The inside of a simulation worker (browser Web Worker or Node worker_thread): it owns some actors (the
 * guest's vCPUs and interrupt handler, or one IOThread) and runs their operations against the shared guest
 * memory. In step mode it takes one step per grant, reading and writing the machine state in shared memory;
 * in free-run it runs its actors until told to stop, kicks and interrupts travelling through Atomics.
 */
export function attachSimWorker(port: Port): void {
  let machine: Machine | null = null;
  let actors: ActorId[] = [];
  let name = 'worker';
  let buffers: Extract<ToWorker, { type: 'init' }>['buffers'] | null = null;

  const reply = (m: FromWorker) => port.postMessage(m);

  port.onMessage((raw) => {
    const msg = raw as ToWorker;
    try {
      switch (msg.type) {
        case 'init':
          name = msg.name;
          actors = msg.actors;
          buffers = msg.buffers;
          // Built over the shared buffers before anyone steps: its set-up stores equal the conductor's.
          machine = new Machine({
            scenario: msg.scenario,
            seed: msg.seed,
            memoryBuffer: msg.buffers.memory,
            diskBuffer: msg.buffers.disk,
          });
          reply({ type: 'ready', name });
          return;
        case 'step': {
          const m = need(machine);
          if (msg.state || msg.own) {
            // The state came as a structured clone: no JSON to build or parse on either side.
            // The message is this worker's own clone, and reply() clones what it posts: no extra copies.
            if (msg.state) m.loadPlain(fromWire(msg.state), false);
            else if (m.chooseNext() !== msg.own!.actor) {
              throw new Error(
                `out of step with the conductor: it chose ${msg.own!.actor}, this worker ${m.chooseNext()}`,
              );
            }
            const playing = m.peek() !== null;
            const record = m.step();
            // After a played-out store only the machine's own state moved: send that, not the whole state.
            if (playbackOnly(playing, record)) {
              reply({ type: 'stepped', record, playback: { machine: m.stateObject, alloc: m.alloc.toJSON() } });
            } else if (deviceOnly(playing, record)) {
              reply({ type: 'stepped', record, device: m.saveDevicePart() });
            } else reply({ type: 'stepped', record, state: toWire(m.savePlain(true, false)) });
            return;
          }
          m.loadStateJSON(readState(need(buffers).state));
          const record = m.step();
          writeState(need(buffers).state, m.saveStateJSON());
          reply({ type: 'stepped', record });
          return;
        }
        case 'free-run':
          if (msg.state) need(machine).loadPlain(msg.state);
          else need(machine).loadStateJSON(readState(need(buffers).state));
          freeRun(need(machine), new Int32Array(need(buffers).signals), actors);
          reply({ type: 'paused', part: need(machine).savePlain(), name });
          return;
        case 'publish':
          reply({ type: 'published', part: need(machine).savePlain(), name });
          return;
      }
    } catch (e) {
      reply({ type: 'error', message: e instanceof Error ? e.message : String(e), name });
    }
  });
}

function need<T>(v: T | null): T {
  if (v === null) throw new Error('worker used before init');
  return v;
}

function freeRun(m: Machine, signals: Int32Array, actors: ActorId[]): void {
  m.beginFreeRun(signals);
  const isGuest = actors.some((a) => a === 'irq' || a.startsWith('vcpu'));
  const waitWord = isGuest ? SIG.IRQ_SEQ : SIG.KICK_SEQ;
  const share = Atomics.load(signals, SIG.CPU_SHARE);
  const limited = share > 0 && share < 100;
  // Time worked and time waited for the other side since the last pause: idle waits count towards the share, and
  // work done just before an idle wait still counts towards the next pause (forgetting it let short bursts between
  // kicks run unlimited).
  let busy = 0;
  let rest = 0;
  let since = performance.now();
  const account = (resting: boolean): void => {
    const now = performance.now();
    if (resting) rest += now - since;
    else busy += now - since;
    since = now;
  };
  while (Atomics.load(signals, SIG.STOP) === 0) {
    const seen = Atomics.load(signals, waitWord);
    if (m.freeRunOnce(actors)) {
      if (limited) {
        account(false);
        if (busy >= SHARE_SLICE_MS) {
          const owed = (busy * (100 - share)) / share - rest;
          // Pause for the rest of this slice's share (woken at once by STOP's notify), so the page keeps a core.
          if (owed > 0) Atomics.wait(signals, SIG.STOP, 0, owed);
          busy = 0;
          rest = 0;
          since = performance.now();
        }
      }
      continue;
    }
    if (isGuest && m.guestDone) {
      Atomics.store(signals, SIG.GUEST_DONE, 1);
      Atomics.notify(signals, SIG.GUEST_DONE);
    }
    if (m.gaveUp && Atomics.load(signals, SIG.GAVE_UP) === 0) {
      Atomics.store(signals, SIG.GAVE_UP, 1);
      Atomics.notify(signals, SIG.GAVE_UP);
    }
    if (limited) account(false);
    // Nothing to do: sleep until the other side signals (or a short timeout, to notice STOP).
    Atomics.wait(signals, waitWord, seen, IDLE_WAIT_MS);
    if (limited) account(true);
  }
  m.endFreeRun();
}
