import { Machine } from './machine/machine';
import type { RunEnd } from './machine/machineState';
import { Workload } from './machine/workload';
import type { Scenario } from './scenario/schema';
import type { ActorId } from './step';

/**
 * Runs scenarios to their end, headless and deterministically, and measures them side by side: notifications,
 * virtual time, throughput and latency. For lessons that compare two set-ups (flags vs EVENT_IDX, one IOThread
 * vs one per queue) and for the paravirtualisation lesson's trap count.
 *
 * Two ways to run:
 * - 'threads' (the default): every actor is a thread of its own (each vCPU, the interrupt handler, each
 *   IOThread) and they move in lockstep: in each tick of virtual time every thread that has work does one
 *   operation. This is a MODEL of a free-run on enough host CPUs: N IOThreads can do N operations per tick where
 *   one IOThread does one, so the IOThread mapping shows in throughput and latency.
 * - 'step': the machine as the visualizer steps it (one operation at a time, the scenario's interleaving policy,
 *   the machine's own clock), so the counts are the ones a learner sees when stepping the same scenario.
 */
export type CompareMode = 'threads' | 'step';

export interface QueueRun {
  queue: number;
  completed: number;
  /** Kicks virtqueue_kick_prepare asked for on this queue, and the ones it found unneeded. */
  kicks: number;
  kicksSuppressed: number;
  interrupts: number;
  interruptsSuppressed: number;
  meanLatency: number;
  p95Latency: number;
}

export interface RunComparison {
  label: string;
  scenario: string;
  seed: number;
  mode: CompareMode;
  end: RunEnd;
  requests: number;
  completed: number;
  kicks: number;
  kicksSuppressed: number;
  kicksLost: number;
  interrupts: number;
  interruptsSuppressed: number;
  interruptsLost: number;
  /** kicks / completed requests (0 when none completed). */
  kicksPerRequest: number;
  interruptsPerRequest: number;
  /** Virtual ticks from the start to the last thing that happened. */
  duration: number;
  /** Completed requests per 1000 ticks. */
  throughput: number;
  /** Ticks from the device popping a request to the guest completing it: mean and 95th percentile. */
  meanLatency: number;
  p95Latency: number;
  /** One entry per queue (a single one without multiqueue). */
  queues: QueueRun[];
  /** What the same workload would cost on an emulated disk controller (a model, see emulatedTraps). */
  emulated: EmulatedTraps;
}

export interface CompareOptions {
  mode?: CompareMode;
  /** Most operations (threads) or steps (step) before giving up on a run that does not end. */
  limit?: number;
}

/** Runs each scenario with the same seed and returns the measures in the same order. */
export function compareRuns(
  entries: readonly { label: string; scenario: Scenario }[],
  seed: number,
  options: CompareOptions = {},
): RunComparison[] {
  return entries.map(({ label, scenario }) => measureRun(label, scenario, seed, options));
}

/** Per-request and per-queue tallies gathered while a run goes. */
class Tally {
  readonly popAt = new Map<number, number>();
  readonly latencies: number[][];
  readonly queues: QueueRun[];
  completedAt = 0;

  constructor(queues: number) {
    this.latencies = Array.from({ length: queues }, () => []);
    this.queues = Array.from({ length: queues }, (_, queue) => ({
      queue,
      completed: 0,
      kicks: 0,
      kicksSuppressed: 0,
      interrupts: 0,
      interruptsSuppressed: 0,
      meanLatency: 0,
      p95Latency: 0,
    }));
  }

  popped(request: number, now: number): void {
    if (!this.popAt.has(request)) this.popAt.set(request, now);
  }

  completed(request: number, queue: number, now: number): void {
    const q = this.queues[queue]!;
    q.completed++;
    this.completedAt = now;
    const from = this.popAt.get(request);
    if (from !== undefined) this.latencies[queue]!.push(now - from);
  }
}

function measureRun(label: string, scenario: Scenario, seed: number, options: CompareOptions): RunComparison {
  const m = new Machine({ scenario, seed });
  const tally = new Tally(scenario.queue.count);
  const mode = options.mode ?? 'threads';
  if (mode === 'step') runStepped(m, tally, options.limit ?? 5_000_000);
  else runThreads(m, tally, options.limit ?? 5_000_000);

  const c = m.counters;
  const all = tally.latencies.flat();
  tally.queues.forEach((q, i) => {
    const l = tally.latencies[i]!;
    q.meanLatency = mean(l);
    q.p95Latency = percentile(l, 95);
  });
  const duration = Math.max(tally.completedAt, m.device.now);
  const per = (n: number) => (c.completed > 0 ? n / c.completed : 0);
  return {
    label,
    scenario: scenario.name,
    seed,
    mode,
    end: m.ended ?? 'stalled',
    requests: c.requests,
    completed: c.completed,
    kicks: c.kicks,
    kicksSuppressed: c.kicks_suppressed,
    kicksLost: c.kicks_lost,
    interrupts: c.interrupts,
    interruptsSuppressed: c.interrupts_suppressed,
    interruptsLost: c.interrupts_lost,
    kicksPerRequest: per(c.kicks),
    interruptsPerRequest: per(c.interrupts),
    duration,
    throughput: duration > 0 ? (c.completed * 1000) / duration : 0,
    meanLatency: mean(all),
    p95Latency: percentile(all, 95),
    queues: tally.queues,
    emulated: emulatedTraps(scenario, seed),
  };
}

/** The visualizer's own stepping: counts come from the step records, time from the machine's clock. */
function runStepped(m: Machine, tally: Tally, limit: number): void {
  m.onStep = (r) => {
    for (const e of r.events) {
      const q = 'queue' in e && e.queue >= 0 ? tally.queues[e.queue] : undefined;
      if (e.type === 'popped') tally.popped(e.request, m.device.now);
      else if (e.type === 'completed') tally.completed(e.request, e.queue, m.device.now);
      else if (q && e.type === 'kick') q.kicks++;
      else if (q && e.type === 'kick-suppressed') q.kicksSuppressed++;
      else if (q && e.type === 'interrupt') q.interrupts++;
      else if (q && e.type === 'interrupt-suppressed') q.interruptsSuppressed++;
    }
  };
  while (m.stepCount < limit && m.stepOnce()) {
    /* to the end */
  }
  m.onStep = null;
}

/**
 * Every actor a thread (see CompareMode). An operation costs its thread one tick per unit of work it did (a
 * request submitted, popped or completed; at least one), during which that thread takes nothing new: so one
 * IOThread serving four queues does their work one after the other, four IOThreads do it side by side. An
 * operation's effects (kicks, interrupts, used entries) are visible at once; only its thread is held.
 */
function runThreads(m: Machine, tally: Tally, limit: number): void {
  watchCallbacks(m, tally);
  const lengths = Array.from({ length: m.scenario.queue.count }, (_, q) => new Workload(m.scenario, m.seed, q).length);
  const thinks = m.scenario.workload.ops.some((op) => op.think > 0);
  const busyUntil = new Map<ActorId, number>(m.actors.map((a) => [a, 0]));
  let lastRecord = -1;
  for (let ops = 0; ops < limit;) {
    let ran = false;
    for (const actor of m.actors) {
      if (busyUntil.get(actor)! > m.device.now || !m.runnable().includes(actor)) continue;
      const before = workDone(m);
      m.freeRunOnce([actor], false);
      ops++;
      ran = true;
      busyUntil.set(actor, m.device.now + Math.max(1, workDone(m) - before));
      lastRecord = notePops(m, tally, lastRecord, actor);
    }
    const busy = [...busyUntil.values()].filter((t) => t > m.device.now);
    if (ran || busy.length > 0) {
      m.device.passTime(1);
      continue;
    }
    // Nobody has work: time passes to the next disk completion or the end of a vCPU's think time.
    const waits: number[] = [];
    const due = m.device.nextDue();
    if (due !== null) waits.push(due);
    // (The vCPUs' state is read only where a workload thinks: savePlain copies the whole driver and device.)
    if (thinks) {
      m.savePlain(false).machine.vcpus.forEach((v, q) => {
        if (v.next < lengths[q]! && v.readyAt > m.device.now) waits.push(v.readyAt);
      });
    }
    if (waits.length === 0 || m.device.vdev.broken) break;
    m.device.passTime(Math.max(1, Math.min(...waits) - m.device.now));
  }
  // Nothing can move: the machine decides how the run ended (completed, an error, or stalled).
  m.chooseNext();
}

/** Units of work done so far: requests submitted by the guest, popped and completed by the device, taken back. */
function workDone(m: Machine): number {
  const d = m.device.counters;
  return m.counters.requests + d.requests + d.completed + m.counters.completed;
}

/** Pairs each request the device popped since `lastRecord` with the guest's request (same queue and head). */
function notePops(m: Machine, tally: Tally, lastRecord: number, actor: ActorId): number {
  if (!actor.startsWith('iothread')) return lastRecord;
  const records = m.device.records;
  let last = lastRecord;
  for (let i = records.length - 1; i >= 0 && records[i]!.id > lastRecord; i--) {
    const rec = records[i]!;
    last = Math.max(last, rec.id);
    for (const req of m.driver.requests.values()) {
      if (req.state === 'in-flight' && req.queue === rec.queue && req.head === rec.head) {
        tally.popped(req.id, m.device.now);
        break;
      }
    }
  }
  return last;
}

/** Wraps the driver's and device's callbacks (the machine's own stay in charge) to count per queue. */
function watchCallbacks(m: Machine, tally: Tally): void {
  const driver = m.driver;
  const device = m.device;
  const onDone = driver.onRequestDone;
  driver.onRequestDone = (req) => {
    onDone?.(req);
    tally.completed(req.id, req.queue, device.now);
  };
  const onKick = driver.onKickDecision;
  driver.onKickDecision = (q, kick) => {
    onKick?.(q, kick);
    const t = tally.queues[q];
    if (t && kick) t.kicks++;
    else if (t) t.kicksSuppressed++;
  };
  const onIrq = device.onInterrupt;
  device.onInterrupt = (source) => {
    const before = m.counters.interrupts;
    onIrq?.(source);
    if (source !== 'config' && m.counters.interrupts > before) tally.queues[source]!.interrupts++;
  };
  const onNotify = device.onNotifyDecision;
  device.onNotifyDecision = (q, sent) => {
    onNotify?.(q, sent);
    if (!sent && tally.queues[q]) tally.queues[q].interruptsSuppressed++;
  };
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Nearest-rank percentile (0 for no samples). */
function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * A MODEL, not a measurement: how many register accesses that trap to the hypervisor (VM exits) the same workload
 * would cost on a fully emulated legacy IDE controller (QEMU's hw/ide, the PIIX IDE a guest drives with ata_piix),
 * doing each request as one ATA DMA command with 28-bit LBA and bus-master DMA. Per command:
 * - 7 taskfile writes to I/O ports: Features, Sector Count, LBA Low, LBA Mid, LBA High, Device, Command
 *   (https://wiki.osdev.org/ATA_PIO_Mode#Registers);
 * - 2 bus-master writes to start the transfer: the PRD table address, and Start in the bus-master command register
 *   (https://wiki.osdev.org/ATA/ATAPI_using_DMA);
 * - at the completion interrupt, 4 more: read the bus-master status, write it back to clear the interrupt bit,
 *   clear Start in the bus-master command register, read the ATA Status register (which acknowledges INTRQ).
 * 13 traps and one interrupt per command, and a command moves at most 256 sectors (LBA28), so a larger request
 * takes several. A cache flush is FLUSH CACHE: Device and Command writes and the Status read, 3 traps. The
 * controller has no queue: one command at a time, so nothing is batched. Requests the disk would not see
 * (get-id, discard, write-zeroes) cost the same as a one-command transfer here.
 * A virtio-blk guest instead traps only on the kick (one write to the notify register) and gets one interrupt
 * per batch, however many registers' worth of information the request carries: that is the point of
 * paravirtualisation.
 */
export interface EmulatedTraps {
  model: 'ide-lba28-bmdma';
  /** ATA commands the workload becomes. */
  commands: number;
  /** Register accesses that trap (VM exits). */
  traps: number;
  /** Completion interrupts (one per command). */
  interrupts: number;
  /** Trapping register accesses per request. */
  trapsPerRequest: number;
}

export const IDE_TRAPS = {
  taskfileWrites: 7,
  busMasterSetup: 2,
  completion: 4,
  flush: 3,
  maxSectorsPerCommand: 256,
} as const;

/** The modelled cost of the scenario's workload on an emulated IDE disk (see EmulatedTraps). */
export function emulatedTraps(scenario: Scenario, seed = 1): EmulatedTraps {
  let commands = 0;
  let traps = 0;
  let requests = 0;
  const perCommand = IDE_TRAPS.taskfileWrites + IDE_TRAPS.busMasterSetup + IDE_TRAPS.completion;
  for (let q = 0; q < scenario.queue.count; q++) {
    const w = new Workload(scenario, seed, q);
    for (let i = 0; i < w.length; i++) {
      const item = w.at(i);
      requests++;
      if (item.op === 'flush') {
        commands++;
        traps += IDE_TRAPS.flush;
        continue;
      }
      const n = Math.max(1, Math.ceil(item.nsectors / IDE_TRAPS.maxSectorsPerCommand));
      commands += n;
      traps += n * perCommand;
    }
  }
  return {
    model: 'ide-lba28-bmdma',
    commands,
    traps,
    interrupts: commands,
    trapsPerRequest: requests > 0 ? traps / requests : 0,
  };
}
