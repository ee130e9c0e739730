import { memo } from 'react';
import './components.css';
import { DescriptorTable as DescriptorTableView } from './DescriptorTable';
import { AvailRing as AvailRingView } from './AvailRing';
import { UsedRing as UsedRingView } from './UsedRing';
import { DriverState as DriverStateView } from './DriverState';
import { DeviceState as DeviceStateView } from './DeviceState';
import { StructuresView as StructuresViewView } from './StructuresView';
import { RequestsTable as RequestsTableView } from './RequestsTable';
import { MemoryView as MemoryViewView } from './MemoryView';
import { Timeline as TimelineView, type TimelineProps } from './Timeline';
import { KickInterruptLayer as KickInterruptLayerView } from './KickInterruptLayer';
import { sameAvailRingInputs, sameUsedRingInputs } from '../derive/ringInputs';
import type { RingProps } from './RingPanel';

// The panels are memoised: the client keeps the identity of every part of the state that did not change
// (queues, rings, requests, memory pages, the timeline), so a step or a free-run sample re-renders only the panels
// whose data changed.
export type { DescriptorTableProps } from './DescriptorTable';
export type { RingProps } from './RingPanel';
export type { MemoryViewProps } from './MemoryView';
export type { TimelineProps } from './Timeline';
export const DescriptorTable = memo(DescriptorTableView);
// The rings compare only what they draw (derive/ringInputs.ts): a step that moved another part of the queue (a
// descriptor, the other ring) skips them, when the page passes each ring the changes within its own bytes.
export const AvailRing = memo(
  AvailRingView,
  (a: RingProps, b: RingProps) =>
    a.changed === b.changed && a.driverKnown === b.driverKnown && sameAvailRingInputs(a.queue, b.queue),
);
export const UsedRing = memo(
  UsedRingView,
  (a: RingProps, b: RingProps) =>
    a.changed === b.changed && a.driverKnown === b.driverKnown && sameUsedRingInputs(a.queue, b.queue),
);
export const DriverState = memo(DriverStateView);
export const DeviceState = memo(DeviceStateView);
export type { DeviceStateProps } from './DeviceState';
export const StructuresView = memo(StructuresViewView);
export const RequestsTable = memo(RequestsTableView);
export const MemoryView = memo(MemoryViewView);
/** `onJump` is a command (the page passes a new arrow each render that does the same thing): not compared. */
export const Timeline = memo(
  TimelineView,
  (a: TimelineProps, b: TimelineProps) => a.timeline === b.timeline && a.step === b.step && a.complete === b.complete,
);
export const KickInterruptLayer = memo(KickInterruptLayerView);
