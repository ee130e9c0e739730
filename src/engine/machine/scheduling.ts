import type { ActorId } from '../step';
import type { ShownStages } from './requestStages';

/** The actors, in fixed order: a submitter per vCPU (vCPU q uses queue q), the interrupt handler, the IOThreads. */
export function actorIds(queues: number, iothreads: number): ActorId[] {
  return [
    ...Array.from({ length: queues }, (_, q) => `vcpu${q}` as ActorId),
    'irq',
    ...Array.from({ length: iothreads }, (_, t) => `iothread${t}` as ActorId),
  ];
}

/** Queue q is served by IOThread q mod n. */
export const servesQueue = (iothreads: number, iothread: number, q: number): boolean => q % iothreads === iothread;

/**
 * Who the policy chooses from. A suspended operation's remaining stores sit in a store buffer that drains when
 * it drains; step mode shows the worst case the missing barrier allows: everyone else who can move does first.
 */
export function contenders(runnable: ActorId[], suspended: readonly { op: { actor: ActorId } }[]): ActorId[] {
  if (suspended.length === 0) return runnable;
  const others = runnable.filter((a) => !suspended.some((x) => x.op.actor === a));
  return others.length > 0 ? others : runnable;
}

/**
 * The stages shown when a suspended operation resumes: others moved meanwhile, so private state (`now`) rules,
 * except what this operation has not shown yet (a guest submission moves a request from queued to in avail only).
 */
export function resumedStages(now: ShownStages, shown: ShownStages | null): ShownStages {
  for (const [id, stage] of Object.entries(shown ?? {})) {
    if (stage === 'queued' && now[+id] === 'in avail') now[+id] = stage;
  }
  return now;
}
