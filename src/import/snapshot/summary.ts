import { VRING_DESC_F_INDIRECT } from '../../virtio/constants';
import { u16Sub } from '../../virtio/types';
import { descFlagNamesOf } from './flags';
import { ringProblems } from './problems';
import { notReportedFields } from './status';
import type { ElementDesc, RingSnapshot } from './types';

const hex = (n: number | bigint) => `0x${n.toString(16)}`;
const elementDesc = (d: ElementDesc) => ({ addr: hex(d.addr), len: d.len, flags: d.flags });

/**
 * What `virtio-viz import --format summary` prints for a snapshot: QEMU's VirtQueue fields, the decoded ring with
 * its indices and event fields, the outstanding chains and the disagreements. Plain JSON (addresses as hex).
 */
export function snapshotSummary(s: RingSnapshot): unknown {
  const indirectDescs = s.desc.filter((d) => d.flags & VRING_DESC_F_INDIRECT);
  const inFlight = u16Sub(s.avail.idx, s.used.idx);
  return {
    kind: 'ring-snapshot',
    origin: s.origin,
    files: { status: s.statusFile, ...Object.fromEntries(s.areas.map((a) => [a.area, a.file])) },
    dumps: s.dumps.map((d) => ({ file: d.file, gpa: hex(d.gpa), bytes: d.bytes.length })),
    // A dump of several areas at once, and where each area was cut from it (offsets in the file).
    ringDumps: s.ringDumps.map((r) => ({
      file: r.file,
      gpa: hex(r.gpa),
      bytes: r.bytes,
      areas: Object.fromEntries(Object.entries(r.areas).map(([a, off]) => [a, hex(off)])),
    })),
    device: {
      name: s.status.name,
      queue_index: s.status.queue_index,
      // null where QEMU did not report the field (a vhost device's status: see `vhost`), never a made-up number.
      last_avail_idx: s.status.last_avail_idx,
      shadow_avail_idx: s.status.shadow_avail_idx,
      vhost: s.status.vhost,
      // 'vhost-started' / 'vhost-dev': an x-query-virtio-status answer said so; 'missing-fields': inferred from the
      // queue status (no shadow-avail-idx), as when no device status is given.
      vhost_decided_by: s.vhostDecision.by,
      ...(s.vhostDecision.device
        ? {
            virtio_status: {
              file: s.vhostDecision.device.file,
              vhost_started: s.vhostDecision.device.vhost_started,
              vhost_dev: s.vhostDecision.device.vhost_dev,
              queue_in_vhost_dev: s.vhostDecision.queueInVhostDev,
              // What the missing fields alone would have said (they differ when vhost started between the queries).
              vhost_inferred_from_fields: s.vhostDecision.inferred,
            },
          }
        : {}),
      not_reported: notReportedFields(s.status),
      used_idx: s.status.used_idx,
      signalled_used: s.status.signalled_used,
      signalled_used_valid: s.status.signalled_used_valid,
      inuse: s.status.inuse,
      vring: { ...s.status.vring, desc: hex(s.addrs.desc), avail: hex(s.addrs.avail), used: hex(s.addrs.used) },
    },
    ring: {
      size: s.size,
      avail: { flags: s.avail.flags, idx: s.avail.idx, used_event: s.avail.used_event },
      used: { flags: s.used.flags, idx: s.used.idx, avail_event: s.used.avail_event },
      in_flight: inFlight,
      descriptors: {
        nonZero: s.desc.filter((d) => d.addr !== 0n || d.len !== 0 || d.flags !== 0 || d.next !== 0).length,
        indirect: indirectDescs.length,
      },
    },
    outstanding: s.outstanding.map((c) => ({
      availPos: c.availPos,
      slot: c.slot,
      head: c.head,
      popped: c.popped,
      descs: c.descs.map((i) => {
        const d = s.desc[i]!;
        return { index: i, addr: hex(d.addr), len: d.len, flags: descFlagNamesOf(d.flags), next: d.next };
      }),
      indirect: c.indirect
        ? {
            addr: hex(c.indirect.addr),
            len: c.indirect.len,
            entries: c.indirect.entries,
            captured: c.indirect.captured,
            // Read from the captured memory when it holds the table; null (never guessed) when it does not.
            table:
              c.indirect.table?.map((d) => ({
                addr: hex(d.addr),
                len: d.len,
                flags: descFlagNamesOf(d.flags),
                next: d.next,
              })) ?? null,
          }
        : null,
      element: c.element ? { index: c.element.index, chain: c.element.chain.map(elementDesc) } : null,
      // The CLI says what broke in words; the UI's translatable tip stays out of the JSON.
      ...(c.problem ? { problem: { where: c.problem.where, message: c.problem.message } } : {}),
    })),
    problems: problemLines(s),
    elements: s.elements.length,
    // Element answers given as their own files that no outstanding chain took, and why.
    unmatchedElements: s.unmatchedElements.map((u) => ({
      file: u.file,
      index: u.index,
      availPos: u.availPos,
      reason: u.reason,
      message: u.message,
    })),
    disagreements: s.disagreements.map((d) => ({
      kind: d.kind,
      field: d.field,
      reported: d.reported,
      actual: d.actual,
      message: d.message,
    })),
  };
}

/** ringProblems in English, a line each. */
function problemLines(s: RingSnapshot): string[] {
  return ringProblems(s).map((p) =>
    p.kind === 'tooMany'
      ? `avail.idx ${p.avail} is ${p.inFlight} ahead of used.idx ${p.used}: more requests in flight than the ` +
        `ring has entries (${p.size}); only the first ${p.size} are listed`
      : `avail position ${p.pos} (slot ${p.slot}, head ${p.head}): ${p.problem.message}` +
        (p.problem.where ? ` (QEMU: ${p.problem.where})` : ''),
  );
}
