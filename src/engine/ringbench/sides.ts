// The two halves of the ring-throughput benchmark, each run in its own worker: the measuring loops (phases, the
// counting window, the checks on every request) around a ring that does the work. The ring is the engine's real
// code (the same VringVirtqueue and VirtQueue the simulation steps, with the default NO_TRACE tracer and no memory
// observer) or, as a reference, the same protocol hand-written on typed arrays. Both sides busy-poll the shared
// ring: no Atomics.wait in the loop, and kicks and interrupts only counted.
import { VirtQueue } from '../../virtio/device/virtQueue';
import { VringVirtqueue } from '../../virtio/driver/vringVirtqueue';
import type { Sg } from '../../virtio/driver/types';
import { GuestMemory } from '../../virtio/guestMemory';
import { handWrittenDevice, handWrittenDriver } from './handWritten';
import {
  BENCH_BUF_LEN,
  CTL_STARTED,
  CTL_COUNTING,
  CTL_PHASE,
  PHASE_DONE,
  PHASE_MEASURE,
  PHASE_SETUP,
  PHASE_STOP,
  benchFeatures,
  benchLayout,
  type DeviceStats,
  type DriverStats,
  type RingBenchStart,
} from './protocol';

/**
 * The guest side's ring, as the loop drives it: one call per batch, so the loop's own cost does not count per
 * request. Each implementation checks what comes back itself (token order, used.len).
 */
export interface BenchDriverRing {
  /** Descriptors free: Linux's vq->num_free. */
  numFree(): number;
  /** Adds one-buffer requests `issued`, `issued + 1`, ... until the ring is full; returns how many. */
  fill(issued: number): number;
  /** virtqueue_kick_prepare() for the batch just added. */
  kickPrepare(): boolean;
  /** Takes back every used buffer (they must be `completed`, `completed + 1`, ...); returns how many. */
  reclaim(completed: number): number;
}

/** The device side's ring: pops every available request, returns it, decides on the interrupt. */
export interface BenchDeviceRing {
  /** One request (0 when the ring is empty, 1 when one was served); `interrupt` says what should_notify said. */
  serveOne(): 0 | 1;
  interrupts(): number;
}

const NO_SG: readonly Sg[] = [];

/** The engine's driver: Linux's virtqueue_add_sgs / kick_prepare / get_buf on our VringVirtqueue. */
function engineDriver(start: RingBenchStart): BenchDriverRing {
  const { queueSize } = start;
  const layout = benchLayout(queueSize);
  const vq = new VringVirtqueue<number>({
    mem: new GuestMemory(start.guest),
    addrs: layout.addrs,
    features: benchFeatures(start.eventIdx),
    queueIndex: 0,
    // The kick is a doorbell write in Linux; here the device polls, so the driver only counts kicks itself.
    notify: () => true,
  });
  // Request n uses buffer n mod queueSize: at most queueSize are in flight, so no two share one. One
  // device-readable descriptor each, made once so the loop allocates no scatterlists.
  const sgs: Sg[][] = Array.from({ length: queueSize }, (_, k) => [
    { addr: layout.buffers + k * BENCH_BUF_LEN, len: BENCH_BUF_LEN },
  ]);
  const mask = queueSize - 1;
  const state = vq.state;
  return {
    numFree: () => state.num_free,
    fill(issued) {
      let n = 0;
      // Fill the ring (a driver checks vq->num_free as virtio-net does).
      while (state.num_free > 0) {
        const token = issued + n;
        const added = vq.virtqueue_add_sgs(sgs[token & mask]!, NO_SG, token);
        if (!added.ok) throw new Error(`virtqueue_add_sgs failed: ${added.message}`);
        n++;
      }
      return n;
    },
    kickPrepare: () => vq.virtqueue_kick_prepare(),
    reclaim(completed) {
      let n = 0;
      for (;;) {
        const used = vq.virtqueue_get_buf();
        if (used === null) break;
        // One device that pops and pushes in order returns the requests in the order they were added.
        if (used.data !== completed + n) throw new Error(`got request ${used.data} back, expected ${completed + n}`);
        if (used.len !== 0) throw new Error(`request ${used.data} came back with len ${used.len}, expected 0`);
        n++;
      }
      if (vq.lastError) throw new Error(`the driver found the ring broken: ${vq.lastError.message}`);
      return n;
    },
  };
}

/** The engine's device: QEMU's virtqueue_pop / virtqueue_push / virtio_should_notify on our VirtQueue. */
function engineDevice(start: RingBenchStart): BenchDeviceRing {
  const layout = benchLayout(start.queueSize);
  const vq = new VirtQueue({
    mem: new GuestMemory(start.guest),
    addrs: layout.addrs,
    features: benchFeatures(start.eventIdx),
    queueIndex: 0,
  });
  const bufEnd = layout.buffers + start.queueSize * BENCH_BUF_LEN;
  let interrupts = 0;
  return {
    interrupts: () => interrupts,
    serveOne() {
      const next = vq.virtqueue_pop();
      if (!next.ok) throw new Error(`virtqueue_pop: ${next.error.message}`);
      const elem = next.value;
      if (elem === null) return 0;
      const seg = elem.out_sg[0];
      if (elem.out_sg.length !== 1 || elem.in_sg.length !== 0 || seg === undefined) {
        throw new Error(`request at head ${elem.index} has ${elem.out_sg.length} out / ${elem.in_sg.length} in`);
      }
      if (seg.len !== BENCH_BUF_LEN || seg.addr < layout.buffers || seg.addr + seg.len > bufEnd) {
        throw new Error(`request at head ${elem.index} maps ${seg.len} bytes at ${seg.addr}, not a bench buffer`);
      }
      // Nothing was written into the device-readable buffer, so used.len is 0.
      const pushed = vq.virtqueue_push(elem, 0);
      if (!pushed.ok) throw new Error(`virtqueue_push: ${pushed.error.message}`);
      const notify = vq.virtio_should_notify();
      if (!notify.ok) throw new Error(`virtio_should_notify: ${notify.error.message}`);
      if (notify.value) interrupts++;
      return 1;
    },
  };
}

/** Blocks (outside the measured loop) until the page says go. */
function awaitGo(ctl: Int32Array): void {
  while (Atomics.load(ctl, CTL_PHASE) === PHASE_SETUP) Atomics.wait(ctl, CTL_PHASE, PHASE_SETUP, 50);
}

/** The guest half, as a Linux driver runs a queue. Builds the queue; `run` then returns once everything is back. */
export function prepareDriver(start: RingBenchStart): () => DriverStats {
  const { queueSize } = start;
  const ctl = new Int32Array(start.control);
  const ring = start.impl === 'hand-written' ? handWrittenDriver(start) : engineDriver(start);

  return () => {
    awaitGo(ctl);
    // The window: opened at the driver's first look at MEASURE, closed at its first look at STOP. (The page sets
    // STOP only after a request completed inside the window, so the driver always sees MEASURE first.)
    let t0 = performance.now();
    let t1 = t0;
    let counted0 = 0;
    let counted1 = -1;
    let measuring = false;
    let started = false;
    let counting = false;
    let issued = 0;
    let completed = 0;
    let kicks = 0;
    for (;;) {
      const phase = Atomics.load(ctl, CTL_PHASE);
      if (phase === PHASE_DONE) throw new Error('the device stopped before every request came back');
      const adding = phase < PHASE_STOP;
      if (phase === PHASE_MEASURE && !measuring) {
        measuring = true;
        t0 = performance.now();
        counted0 = completed;
      } else if (!adding && counted1 < 0) {
        t1 = performance.now();
        counted1 = completed;
      }
      // Fill the ring, then one kick decision per batch.
      if (adding && ring.numFree() > 0) {
        issued += ring.fill(issued);
        if (ring.kickPrepare()) kicks++;
      }
      const before = completed;
      completed += ring.reclaim(completed);
      if (completed !== before && !counting) {
        if (!started) Atomics.store(ctl, CTL_STARTED, 1);
        started = true;
        if (measuring && counted1 < 0 && completed > counted0) {
          Atomics.store(ctl, CTL_COUNTING, 1);
          counting = true;
        }
      }
      // After STOP, drain: everything in flight must still come back, once.
      if (!adding && completed === issued) break;
    }
    if (ring.numFree() !== queueSize) throw new Error(`${queueSize - ring.numFree()} descriptors were never freed`);
    Atomics.store(ctl, CTL_PHASE, PHASE_DONE);
    return { requests: counted1 - counted0, kicks, seconds: (t1 - t0) / 1000, total: completed };
  };
}

/** The device half, as QEMU's handler pops and returns a queue's requests. */
export function prepareDevice(start: RingBenchStart): () => DeviceStats {
  const ctl = new Int32Array(start.control);
  const ring = start.impl === 'hand-written' ? handWrittenDevice(start) : engineDevice(start);

  return () => {
    awaitGo(ctl);
    let popped = 0;
    for (;;) {
      if (ring.serveOne() === 1) {
        popped++;
        continue;
      }
      // Only the driver knows when everything is back; until then an empty ring just means poll again.
      if (Atomics.load(ctl, CTL_PHASE) === PHASE_DONE) break;
    }
    return { popped, interrupts: ring.interrupts() };
  };
}

/** What a worker does with its start message; the entries only move messages. */
export function runRingBenchRole(start: RingBenchStart, post: (m: unknown) => void): void {
  try {
    if (start.role === 'driver') {
      const run = prepareDriver(start);
      post({ type: 'ready', role: 'driver' });
      post({ type: 'driver-done', stats: run() });
    } else {
      const run = prepareDevice(start);
      post({ type: 'ready', role: 'device' });
      post({ type: 'device-done', stats: run() });
    }
  } catch (e) {
    // Tell the other side to stop, or it would poll forever.
    Atomics.store(new Int32Array(start.control), CTL_PHASE, PHASE_DONE);
    post({ type: 'error', role: start.role, message: e instanceof Error ? e.message : String(e) });
  }
}
