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
  BASE: 8,
} as const;

export const signalWords = (queues: number): number => SIG.BASE + 2 * queues;
export const doorbellWord = (q: number): number => SIG.BASE + q;
export const irqWord = (queues: number, q: number): number => SIG.BASE + queues + q;

export function createSignals(queues: number): Int32Array {
  const bytes = signalWords(queues) * 4;
  return new Int32Array(
    typeof SharedArrayBuffer !== 'undefined' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes),
  );
}
