export { SnapshotView, type SnapshotViewProps } from './SnapshotView';
export { SnapshotCompare, type SnapshotCompareProps } from './SnapshotCompare';
export { SnapshotRing } from './SnapshotRing';
export { ExportSnapshotButton } from './ExportSnapshotButton';
export { exportSimulation, simulationSnapshot } from './fromSimulation';
