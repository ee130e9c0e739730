import type { BlkReqRecord } from '../../devices/blk/deviceTypes';
import type { VirtblkReq } from '../../devices/blk/driverTypes';

/** Which device record each guest request became (by guest request id), and the newest record already paired. */
export interface PopMatch {
  popped: Record<number, number>;
  lastRecordId: number;
}

/**
 * Pairs requests the device just popped with the guest's: the in-flight request on that queue with that head,
 * or, for a pop of a stale ring entry, the request whose entry it should have been (`stale`).
 */
export function matchPopped(
  m: PopMatch,
  records: readonly BlkReqRecord[],
  requests: ReadonlyMap<number, VirtblkReq>,
  stale: { record: number; request: number } | null = null,
): void {
  for (const r of records) {
    if (r.id <= m.lastRecordId) continue;
    m.lastRecordId = r.id;
    if (stale?.record === r.id) {
      m.popped[stale.request] = r.id;
      continue;
    }
    for (const req of requests.values()) {
      if (req.state === 'in-flight' && req.queue === r.queue && req.head === r.head && !(req.id in m.popped)) {
        m.popped[req.id] = r.id;
        break;
      }
    }
  }
}

/** After a free-run, pairs in-flight guest requests with the device's records again (newest first). */
export function rematchPopped(
  m: PopMatch,
  records: readonly BlkReqRecord[],
  requests: ReadonlyMap<number, VirtblkReq>,
): void {
  m.popped = {};
  const live = records.filter((r) => r.state === 'popped' || r.state === 'in-io');
  const done = records.filter((r) => r.state === 'completed').reverse();
  const taken = new Set<number>();
  for (const r of [...live, ...done]) {
    for (const req of requests.values()) {
      if (req.state !== 'in-flight' || req.queue !== r.queue || req.head !== r.head) continue;
      if (req.id in m.popped || taken.has(r.id)) continue;
      m.popped[req.id] = r.id;
      taken.add(r.id);
      break;
    }
  }
  m.lastRecordId = records.reduce((max, r) => Math.max(max, r.id), -1);
}
