import { describe as group, expect, it } from 'vitest';
import { VRING_DESC_F_INDIRECT, VRING_DESC_F_WRITE } from '../../virtio/constants';
import { GuestMemory } from '../../virtio/guestMemory';
import { areaByName, dumpAddrByName } from '../../import/snapshot/areas';
import { uncapturedIndirect } from '../../import/snapshot/indirect';
import { parseSnapshotFiles } from '../../import/snapshot';
import { Machine } from '../machine/machine';
import { builtinScenario } from '../scenario/builtin';
import { describe, type QueueView } from '../view';
import { exportMachineSnapshot } from './machineExport';
import { exportRingSnapshot, indirectDumpName, outstandingIndirectTables, type ReadGuest } from './snapshotExport';

const run = (name: string, steps: number, seed = 1) => {
  const m = new Machine({ scenario: builtinScenario(name)!, seed });
  while (m.stepCount < steps && m.stepOnce()) {
    /* stepping */
  }
  return m;
};

const parse = (files: { name: string; bytes: Uint8Array }[]) => {
  const r = parseSnapshotFiles(files);
  if (!r.ok) throw new Error(r.problem.message);
  expect(r.partial).toBe(false);
  return r.value;
};

interface DescChange {
  addr?: bigint;
  len?: number;
  flags?: number;
}

/**
 * A copy of the machine's memory and of queue 0's view with ring descriptor `head` changed in both (what a faulty
 * guest could have written), so the export reads the same bytes the view decoded.
 */
function patched(m: Machine, changes: [head: number, change: DescChange][]) {
  const q = describe(m).queues[0]!;
  const bytes = m.mem.window(0, m.mem.size).slice();
  const dv = new DataView(bytes.buffer);
  let desc = q.desc;
  for (const [head, c] of changes) {
    const at = q.addrs.desc + 16 * head;
    if (c.addr !== undefined) dv.setBigUint64(at, c.addr, true);
    if (c.len !== undefined) dv.setUint32(at + 8, c.len, true);
    if (c.flags !== undefined) dv.setUint16(at + 12, c.flags, true);
    desc = desc.map((d) => (d.index === head ? { ...d, ...c } : d));
  }
  const queue: QueueView = { ...q, desc };
  // Like MemoryImage.slice (the UI's reader): a range past the end comes back short.
  const clamping: ReadGuest = (addr, len) => bytes.slice(addr, addr + len);
  // Like GuestMemory.window (the CLI's reader): a range past the end throws GuestMemoryError.
  const mem = new GuestMemory(bytes.buffer);
  const throwing: ReadGuest = (addr, len) => mem.window(addr, len).slice();
  return { queue, clamping, throwing, size: m.mem.size };
}

group('indirect tables in a ring snapshot export', () => {
  it('round trip: every in-flight table is dumped under its address and decodes to the MachineView entries', () => {
    // The indirect scenario (RING_INDIRECT_DESC, ring of 8) stopped with all 8 requests in flight.
    const m = run('indirect', 200);
    const q = describe(m).queues[0]!;
    expect(q.indirect).toBe(true);
    const r = exportMachineSnapshot(m, 0, 'sim_vq0_step200');
    if (!r.ok) throw new Error(r.message);
    const dumps = r.files.slice(4);
    const inFlight = q.chains.filter((c) => c.indirect);
    expect(inFlight).toHaveLength(8);
    expect(dumps).toHaveLength(8);
    for (const f of dumps) {
      const addr = dumpAddrByName(f.name);
      expect(f.name).toBe(indirectDumpName('sim_vq0_step200', addr!));
      // The importer takes it as a further dump, never as one of the three areas.
      expect(areaByName(f.name)).toBeNull();
      const chain = inFlight.find((c) => c.indirect!.addr === addr)!;
      // Bytes exactly as in guest memory: the head descriptor's len from its addr.
      expect(f.bytes).toEqual(m.mem.window(addr!, q.desc[chain.head]!.len).slice());
    }
    const s = parse(r.files);
    expect(s.dumps.map((d) => d.file)).toEqual(dumps.map((f) => f.name));
    expect(s.outstanding).toHaveLength(8);
    expect(uncapturedIndirect(s).size).toBe(0);
    for (const c of s.outstanding) {
      const sim = q.chains.find((x) => x.head === c.head)!.indirect!;
      expect(c.indirect).toMatchObject({ addr: BigInt(sim.addr), entries: 3, captured: true });
      expect(c.indirect!.table).toEqual(sim.entries);
    }
  });

  it('dumps only the tables of chains the snapshot shows as outstanding', () => {
    // Step 268: 8 chains still on the driver's books, but 4 already in the used ring (completed, not reclaimed).
    const m = run('indirect', 268);
    const q = describe(m).queues[0]!;
    const s = parse((exportMachineSnapshot(m, 0) as { files: { name: string; bytes: Uint8Array }[] }).files);
    expect(q.chains.length).toBeGreaterThan(s.outstanding.length);
    expect(s.dumps.map((d) => d.gpa).sort()).toEqual(s.outstanding.map((c) => Number(c.indirect!.addr)).sort());
    expect(uncapturedIndirect(s).size).toBe(0);
  });

  it('a chain without INDIRECT gives no dump', () => {
    // Without RING_INDIRECT_DESC every request is a chain of ring descriptors linked by NEXT.
    const plain = run('out-of-order', 120, 3);
    const r = exportMachineSnapshot(plain, 0, 'p');
    if (!r.ok) throw new Error(r.message);
    expect(r.files.map((f) => f.name)).toEqual(['p_qmp.json', 'p_desc.bin', 'p_avail.bin', 'p_used.bin']);
    const s = parse(r.files);
    expect(s.outstanding.length).toBeGreaterThan(0);
    expect(s.outstanding.every((c) => c.indirect === null)).toBe(true);

    // The same head with its INDIRECT flag cleared (a guest that sent a plain buffer there): its table drops out.
    const m = run('indirect', 200);
    const [first, ...rest] = outstandingIndirectTables(describe(m).queues[0]!);
    const p = patched(m, [[first!.head, { flags: VRING_DESC_F_WRITE }]]);
    const back = exportRingSnapshot(p.queue, p.clamping, 'p');
    if (!back.ok) throw new Error(back.message);
    expect(back.files.slice(4).map((f) => f.name)).toEqual(rest.map((t) => indirectDumpName('p', t.addr)));
  });

  it('a table guest memory does not hold gets no file, and the import says it was not captured', () => {
    const m = run('indirect', 200);
    const [first] = outstandingIndirectTables(describe(m).queues[0]!);
    // Impossible for the simulated Linux driver; a faulty guest could point a table across the end of memory.
    const p = patched(m, [[first!.head, { addr: BigInt(m.mem.size - 16) }]]);
    for (const read of [p.clamping, p.throwing]) {
      const r = exportRingSnapshot(p.queue, read, 'p');
      if (!r.ok) throw new Error(r.message);
      expect(r.files).toHaveLength(4 + 7);
      expect(r.files.some((f) => dumpAddrByName(f.name) === m.mem.size - 16)).toBe(false);
      const s = parse(r.files);
      const missing = uncapturedIndirect(s);
      expect([...missing.keys()]).toEqual([first!.head]);
      expect(missing.get(first!.head)).toMatchObject({ addr: BigInt(m.mem.size - 16), entries: 3 });
    }
  });

  it('leaves out what no file could name, and dumps a table shared by two heads once', () => {
    const m = run('indirect', 200);
    const q = describe(m).queues[0]!;
    const [a, b, c, d, e] = outstandingIndirectTables(q);
    const flags = VRING_DESC_F_INDIRECT;
    const p = patched(m, [
      // Past 2^53: dumpAddrByName could not read the name back.
      [a!.head, { addr: 1n << 60n, flags }],
      // Less than one entry: nothing for the importer to read (and an empty file is refused).
      [b!.head, { len: 15, flags }],
      // At the descriptor table's address: the desc file already holds those bytes.
      [c!.head, { addr: BigInt(q.addrs.desc), flags }],
      // Two heads, one table (a guest bug): one file, as long as the longer descriptor says.
      [d!.head, { addr: BigInt(e!.addr), len: 32, flags }],
    ]);
    const tables = outstandingIndirectTables(p.queue);
    expect(tables.map((t) => t.addr)).not.toContain(a!.addr);
    expect(tables.map((t) => t.addr)).not.toContain(b!.addr);
    expect(tables.map((t) => t.addr)).not.toContain(q.addrs.desc);
    expect(tables.filter((t) => t.addr === e!.addr)).toEqual([{ head: e!.head, addr: e!.addr, len: 48 }]);
    expect(tables).toHaveLength(8 - 4);
    const r = exportRingSnapshot(p.queue, p.throwing, 'p');
    if (!r.ok) throw new Error(r.message);
    // The import still reads every file; the two shared heads both find their table.
    const s = parse(r.files);
    expect(s.dumps).toHaveLength(4);
    for (const head of [d!.head, e!.head])
      expect(s.outstanding.find((x) => x.head === head)!.indirect).toMatchObject({ captured: true });
  });
});
