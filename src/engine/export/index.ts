export {
  exportRingSnapshot,
  exportPrefix,
  indirectDumpName,
  outstandingIndirectTables,
  qmpQueueStatus,
  type ExportedFile,
  type ExportResult,
  type IndirectTableRef,
  type QmpVirtQueueStatus,
  type ReadGuest,
} from './snapshotExport';
