import './components.css';

export { DescriptorTable, type DescriptorTableProps } from './DescriptorTable';
export { AvailRing } from './AvailRing';
export { type RingProps } from './RingPanel';
export { UsedRing } from './UsedRing';
export { DriverState } from './DriverState';
export { DeviceState } from './DeviceState';
export { StructuresView } from './StructuresView';
export { RequestsTable } from './RequestsTable';
export { MemoryView, type MemoryViewProps } from './MemoryView';
export { Timeline, type TimelineProps } from './Timeline';
export { KickInterruptLayer } from './KickInterruptLayer';
