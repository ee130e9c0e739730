/**
 * The words guest and device workers share while free-running: a doorbell per queue (the kick, QEMU's
 * ioeventfd), an interrupt line per queue (irqfd / MSI-X), sequence words to wait on with Atomics.wait, and a
 * few live counters the UI samples. In step mode the same information lives in the machine's state instead.
 */
export const SIG = {
  /** Set to 1 to ask every worker to stop at its next operation boundary. */
  STOP: 0,
  /** Bumped on every kick / interrupt; a worker with nothing to do waits on it. */
  KICK_SEQ: 1,
  IRQ_SEQ: 2,
  /** Set by the guest worker when its workload is finished and nothing is outstanding. */
  GUEST_DONE: 3,
  OPS: 4,
  COMPLETED: 5,
  KICKS: 6,
  INTERRUPTS: 7,
  /**
   * The share of one core (percent) each free-running worker may keep busy without a pause; 0 is no limit. A page
   * that draws the run sets it so the workers leave it a core (see cpuSharePercent).
   */
  CPU_SHARE: 8,
  /**
   * Set by a worker whose side has given up (the device in NEEDS_RESET, or the driver refusing the device's
   * answer) and has nothing left to do: the other side may still be waiting for it, so only the page can end the run.
   */
  GAVE_UP: 9,
  BASE: 10,
} as const;

/**
 * The CPU share (SIG.CPU_SHARE) that leaves one of `cores` to the page drawing a free-run of `workers` busy
 * workers: no limit when the other cores are enough (or the count is unknown), else an equal part of them, at
 * least 10 %. On two cores a guest and two IOThreads get a third of a core each, and the page keeps its frames.
 */
export function cpuSharePercent(cores: number, workers: number): number {
  if (!Number.isInteger(cores) || cores <= 0 || workers <= 0) return 0;
  const spare = Math.max(1, cores - 1);
  if (spare >= workers) return 0;
  return Math.max(10, Math.floor((100 * spare) / workers));
}

export const signalWords = (queues: number): number => SIG.BASE + 2 * queues;
export const doorbellWord = (q: number): number => SIG.BASE + q;
export const irqWord = (queues: number, q: number): number => SIG.BASE + queues + q;

export function createSignals(queues: number): Int32Array {
  const bytes = signalWords(queues) * 4;
  return new Int32Array(
    typeof SharedArrayBuffer !== 'undefined' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes),
  );
}
