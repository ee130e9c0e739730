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
  DisagreementTip,
  CapturedArea,
  CapturedDump,
  SnapshotArea,
} from './types';
export { parseSnapshotFiles } from './parseFiles';
export { snapshotSummary } from './summary';
export { ringProblems, type RingProblem } from './problems';
export { looksLikeSnapshot } from './detect';
export {
  snapshotQueueView,
  SNAPSHOT_UNKNOWN_DEVICE_FIELDS,
  snapshotNotReported,
  snapshotUndrawable,
  type NotReportedDeviceField,
} from './queueView';
export {
  compareSnapshots,
  compareOutstanding,
  type CompareRow,
  type ChainMatch,
  type ChainDiffRow,
  type OutstandingDiff,
  type DescFieldChange,
} from './compare';
export { uncapturedIndirect, type UncapturedIndirect } from './indirect';
