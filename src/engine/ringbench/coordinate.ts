// The page's (or Node main thread's) half of a ring-throughput run: start both workers, wait until both queues are
// built, say go, say stop after the duration, and combine what the two report. Worker APIs come in as functions,
// so Node and the browser share this.
import {
  CTL_STARTED,
  CTL_COUNTING,
  CTL_PHASE,
  CTL_WORDS,
  PHASE_DONE,
  PHASE_GO,
  PHASE_MEASURE,
  PHASE_STOP,
  DEFAULT_WARMUP_MS,
  benchLayout,
  validateBenchOptions,
  type DeviceStats,
  type DriverStats,
  type RingBenchOptions,
  type RingBenchReply,
  type RingBenchResult,
  type RingBenchRole,
  type RingBenchStart,
} from './protocol';

/** One started worker, as the coordinator needs it. */
export interface BenchWorker {
  post(message: RingBenchStart): void;
  onMessage(listener: (reply: RingBenchReply) => void): void;
  onError(listener: (message: string) => void): void;
  terminate(): void;
}

export type SpawnBenchWorker = (role: RingBenchRole) => BenchWorker;

export async function runRingBench(opts: RingBenchOptions, spawn: SpawnBenchWorker): Promise<RingBenchResult> {
  validateBenchOptions(opts);
  const guest = new SharedArrayBuffer(benchLayout(opts.queueSize).memSize);
  const control = new SharedArrayBuffer(CTL_WORDS * 4);
  const ctl = new Int32Array(control);
  const workers: BenchWorker[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<RingBenchResult>((resolve, reject) => {
      let ready = 0;
      let driver: DriverStats | null = null;
      let device: DeviceStats | null = null;
      const finish = () => {
        if (!driver || !device) return;
        if (device.popped !== driver.total) {
          reject(new Error(`the device popped ${device.popped} requests, the driver got ${driver.total} back`));
          return;
        }
        const { requests, kicks, seconds } = driver;
        resolve({ requests, seconds, opsPerSec: requests / seconds, kicks, interrupts: device.interrupts });
      };
      const fail = (role: RingBenchRole, message: string) => {
        // Both loops poll this word: DONE stops whichever is still running.
        Atomics.store(ctl, CTL_PHASE, PHASE_DONE);
        reject(new Error(`ring bench ${role}: ${message}`));
      };
      for (const role of ['driver', 'device'] as const) {
        const w = spawn(role);
        workers.push(w);
        w.onError((message) => fail(role, message));
        w.onMessage((reply) => {
          switch (reply.type) {
            case 'ready':
              if (++ready === 2) {
                Atomics.store(ctl, CTL_PHASE, PHASE_GO);
                Atomics.notify(ctl, CTL_PHASE);
                // Warm up, then open the window once a request has completed, and close it after durationMs once
                // one has completed inside it: on a machine too busy to run the two workers in that time, the
                // window stretches rather than measure nothing. Each step only moves the phase on from the one
                // before, so a failure (DONE) stays.
                const after = (ms: number, word: number, from: number, to: number, then?: () => void) => {
                  timer = setTimeout(function poll() {
                    if (Atomics.load(ctl, word) === 0 && Atomics.load(ctl, CTL_PHASE) === from) {
                      timer = setTimeout(poll, 1);
                      return;
                    }
                    Atomics.compareExchange(ctl, CTL_PHASE, from, to);
                    then?.();
                  }, ms);
                };
                after(opts.warmupMs ?? DEFAULT_WARMUP_MS, CTL_STARTED, PHASE_GO, PHASE_MEASURE, () =>
                  after(opts.durationMs, CTL_COUNTING, PHASE_MEASURE, PHASE_STOP),
                );
              }
              break;
            case 'driver-done':
              driver = reply.stats;
              finish();
              break;
            case 'device-done':
              device = reply.stats;
              finish();
              break;
            case 'error':
              fail(reply.role, reply.message);
              break;
          }
        });
        w.post({
          role,
          impl: role === 'device' ? (opts.deviceImpl ?? opts.impl ?? 'engine') : (opts.impl ?? 'engine'),
          guest,
          control,
          eventIdx: opts.eventIdx,
          queueSize: opts.queueSize,
        });
      }
    });
  } finally {
    clearTimeout(timer);
    for (const w of workers) w.terminate();
  }
}
