import { SIG, doorbellWord, irqWord } from './signals';

/**
 * The doorbells (kicks waiting for an IOThread) and interrupt lines (interrupts waiting for the guest), per
 * queue: in the machine's state when stepping, in the shared signal words when free-running (`signals` set).
 */
export interface Lines {
  doorbell: boolean[];
  irq: boolean[];
}

export function readDoorbell(signals: Int32Array | null, lines: Lines, q: number): boolean {
  return signals ? Atomics.load(signals, doorbellWord(q)) !== 0 : lines.doorbell[q]!;
}

export function writeDoorbell(signals: Int32Array | null, lines: Lines, q: number, on: boolean): void {
  if (!signals) {
    lines.doorbell[q] = on;
    return;
  }
  Atomics.store(signals, doorbellWord(q), on ? 1 : 0);
  if (on) {
    Atomics.add(signals, SIG.KICK_SEQ, 1);
    Atomics.add(signals, SIG.KICKS, 1);
    Atomics.notify(signals, SIG.KICK_SEQ);
  }
}

export function readIrq(signals: Int32Array | null, lines: Lines, q: number): boolean {
  return signals ? Atomics.load(signals, irqWord(lines.irq.length, q)) !== 0 : lines.irq[q]!;
}

export function writeIrq(signals: Int32Array | null, lines: Lines, q: number, on: boolean): void {
  if (!signals) {
    lines.irq[q] = on;
    return;
  }
  Atomics.store(signals, irqWord(lines.irq.length, q), on ? 1 : 0);
  if (on) {
    Atomics.add(signals, SIG.IRQ_SEQ, 1);
    Atomics.add(signals, SIG.INTERRUPTS, 1);
    Atomics.notify(signals, SIG.IRQ_SEQ);
  }
}

/** Copies the machine's doorbells and interrupt lines into the shared words (entering free-run). */
export function publishLines(signals: Int32Array, lines: Lines): void {
  const queues = lines.doorbell.length;
  lines.doorbell.forEach((b, q) => Atomics.store(signals, doorbellWord(q), b ? 1 : 0));
  lines.irq.forEach((b, q) => Atomics.store(signals, irqWord(queues, q), b ? 1 : 0));
}

/** Takes the doorbells and interrupt lines back from the shared words (leaving free-run). */
export function collectLines(signals: Int32Array, lines: Lines): void {
  const queues = lines.doorbell.length;
  lines.doorbell = lines.doorbell.map((_, q) => Atomics.load(signals, doorbellWord(q)) !== 0);
  lines.irq = lines.irq.map((_, q) => Atomics.load(signals, irqWord(queues, q)) !== 0);
}
