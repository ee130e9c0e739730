export {
  exportRingSnapshot,
  exportPrefix,
  qmpQueueStatus,
  type ExportedFile,
  type ExportResult,
  type QmpVirtQueueStatus,
  type ReadGuest,
} from './snapshotExport';
