/**
 * How the core tells an observer (the engine, a test) which real function is running and where its barriers
 * fall, so steps can carry Linux's and QEMU's names. Memory stores are observed separately, through
 * GuestMemory.observer. A tracer must not change behaviour; the default one does nothing.
 */
export type BarrierKind =
  // Linux (drivers/virtio/virtio_ring.c): virtio_wmb/rmb/mb pick virt_* or dma_* barriers by weak_barriers
  | 'virtio_wmb'
  | 'virtio_rmb'
  | 'virtio_mb'
  | 'virtio_store_mb'
  // QEMU (hw/virtio/virtio.c)
  | 'smp_wmb'
  | 'smp_rmb'
  | 'smp_mb';

export interface Tracer {
  /** Entering a named function of Linux or QEMU, e.g. "virtqueue_add_split" or "virtqueue_split_pop". */
  enter(fn: string): void;
  /**
   * Leaving it, and any function entered after it that was not left. The hot paths pair enter and leave without
   * try/finally (a frame costs them measurably): when a guest-memory fault unwinds the core, the inner leaves are
   * skipped, and the next leave of an outer function must close them too (OperationCapture.leave does).
   */
  leave(fn: string): void;
  /** A memory barrier at this point of the current function. */
  barrier(kind: BarrierKind): void;
}

export const NO_TRACE: Tracer = {
  enter: () => {},
  leave: () => {},
  barrier: () => {},
};

/** Runs `body` between enter and leave, leaving even when it throws. */
export function traced<T>(tracer: Tracer, fn: string, body: () => T): T {
  tracer.enter(fn);
  try {
    return body();
  } finally {
    tracer.leave(fn);
  }
}
