/** QMP/HMP ring snapshots of a real VM: parse, decode through SplitRing, summarise, and detect. */
export type {
  RingSnapshot,
  QueueStatus,
  QueueElement,
  ElementDesc,
  OutstandingChain,
  SnapshotDesc,
  SnapshotIndirect,
  Disagreement,
  CapturedArea,
  SnapshotArea,
} from './types';
export { parseSnapshotFiles } from './parseFiles';
export { snapshotSummary } from './summary';
export { looksLikeSnapshot } from './detect';
export { snapshotQueueView, SNAPSHOT_UNKNOWN_DEVICE_FIELDS } from './queueView';
export { compareSnapshots, type CompareRow } from './compare';
