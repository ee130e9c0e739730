export { VringVirtqueue, VirtqueueSetupError, vring_create_virtqueue_split } from './vringVirtqueue';
export { freeListOf, vring_alloc_desc_extra } from './freeList';
export type {
  AddResult,
  DriverFaultHooks,
  Sg,
  SplitVirtqueue,
  VringDescExtra,
  VringDescStateSplit,
  VringVirtqueueOptions,
  VringVirtqueueState,
} from './types';
