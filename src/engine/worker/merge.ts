import type { SavedMachine } from '../machine/machine';
import type { VirtIOBlockSaved } from '../../devices/blk/device';

export interface DevicePart {
  part: SavedMachine;
  /** The queues this IOThread served: its word on them is final. */
  queues: number[];
}

type Counters = Record<string, number>;

/** base + the sum of each part's change from base, field by field. */
function addDeltas<T extends object>(base: T, parts: T[]): T {
  const out = { ...base } as Counters;
  for (const key of Object.keys(base)) {
    const b = (base as Counters)[key]!;
    if (typeof b !== 'number') continue;
    out[key] = b + parts.reduce((sum, p) => sum + ((p as Counters)[key]! - b), 0);
  }
  return out as T;
}

/**
 * Puts one device back together after a free-run in which each IOThread worker ran its own copy of it: each
 * queue's state comes from the IOThread that served it, in-flight I/O and request records from their owner
 * (record ids renumbered so they stay unique), counters add up, and any error anywhere stands.
 */
export function mergeDevice(
  base: VirtIOBlockSaved,
  parts: { saved: VirtIOBlockSaved; queues: number[] }[],
): VirtIOBlockSaved {
  if (parts.length === 1) return parts[0]!.saved;
  const first = parts[0]!.saved;
  const vdev = structuredClone(first.vdev);
  const handlers: VirtIOBlockSaved['handlers'] = first.handlers.map(() => null);
  for (const { saved, queues } of parts) {
    for (const q of queues) {
      vdev.vq[q] = structuredClone(saved.vdev.vq[q]!);
      handlers[q] = saved.handlers[q] ? { ...saved.handlers[q] } : null;
    }
    vdev.broken ||= saved.vdev.broken;
    vdev.status |= saved.vdev.status;
    vdev.isr |= saved.vdev.isr;
  }
  vdev.errors = [...base.vdev.errors, ...parts.flatMap((p) => p.saved.vdev.errors.slice(base.vdev.errors.length))];

  let nextId = base.nextId;
  const records = base.records.filter((r) => r.id < base.nextId).map((r) => structuredClone(r));
  const pending: VirtIOBlockSaved['pending'] = [];
  for (const { saved, queues } of parts) {
    const renumber = new Map<number, number>();
    for (const r of saved.records) {
      if (r.id < base.nextId || !queues.includes(r.queue)) continue;
      renumber.set(r.id, nextId);
      records.push({ ...structuredClone(r), id: nextId++ });
    }
    // Records that existed before the run but changed on this IOThread (completed, say) take its version.
    for (const r of saved.records) {
      if (r.id >= base.nextId || !queues.includes(r.queue)) continue;
      const i = records.findIndex((x) => x.id === r.id);
      if (i >= 0) records[i] = structuredClone(r);
    }
    for (const p of saved.pending) {
      if (!queues.includes(p.item.req.queue)) continue;
      const copy = structuredClone(p);
      const id = renumber.get(copy.item.req.record.id);
      if (id !== undefined) copy.item.req.record.id = id;
      pending.push(copy);
    }
  }
  records.sort((a, b) => a.id - b.id);
  pending.sort((a, b) => a.dueTick - b.dueTick || a.seq - b.seq);
  pending.forEach((p, i) => (p.seq = i));
  return {
    vdev,
    handlers,
    io: {
      now: Math.max(...parts.map((p) => p.saved.io.now)),
      nextSeq: pending.length,
      prng: first.io.prng,
    },
    pending,
    records,
    counters: addDeltas(
      base.counters,
      parts.map((p) => p.saved.counters),
    ),
    nextId,
  };
}

/**
 * The machine as it stands when every worker of a free-run has stopped: the guest's half from the guest worker,
 * the device's from the IOThreads, doorbells and interrupt lines from the shared words (taken by the caller).
 */
export function mergeFreeRun(base: SavedMachine, guest: SavedMachine, devices: DevicePart[]): SavedMachine {
  const device = mergeDevice(
    base.device,
    devices.map((d) => ({ saved: d.part.device, queues: d.queues })),
  );
  const deviceCounters = addDeltas(
    base.machine.counters,
    devices.map((d) => d.part.machine.counters),
  );
  return {
    machine: {
      ...structuredClone(guest.machine),
      counters: {
        ...guest.machine.counters,
        interrupts: deviceCounters.interrupts,
        interrupts_suppressed: deviceCounters.interrupts_suppressed,
        interrupts_lost: deviceCounters.interrupts_lost,
      },
      pending: null,
      suspended: [],
      chosen: null,
      popped: {},
      lastRecordId: -1,
      ended: null,
    },
    driver: guest.driver,
    device,
    alloc: guest.alloc,
    faults: guest.faults,
    data: guest.data,
    ...(guest.dataBytes ? { dataBytes: guest.dataBytes } : {}),
  };
}
