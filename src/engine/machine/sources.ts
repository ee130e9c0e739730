import type { ActorId, SourceTree } from '../step';

/** Guest actors run Linux's code, device actors QEMU's; the UI links each function to its tree. */
export const sourceOf = (_fn: string, actor: ActorId): SourceTree =>
  actor === 'irq' || actor.startsWith('vcpu') ? 'linux' : 'qemu';
