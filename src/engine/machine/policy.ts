import { Prng } from '../../devices/blk/prng';
import type { ActorId } from '../step';

/** Who moves next in step mode when more than one actor could: this is how races are shown on purpose. */
export type Interleaving = 'guest-first' | 'device-first' | 'alternate' | 'random';

export interface PolicyState {
  /** The actor that moved last, for 'alternate'. */
  last: ActorId | null;
  /** The last actor of each side, so 'alternate' goes round-robin within a side. */
  lastGuest: ActorId | null;
  lastDevice: ActorId | null;
  prng: number;
}

export const isGuestActor = (a: ActorId): boolean => a === 'irq' || a.startsWith('vcpu');

/**
 * Picks one of the runnable actors. `runnable` is in the machine's fixed actor order, so the choice depends only
 * on the state, never on timing: the same scenario and seed give the same schedule on any machine.
 */
export function pickActor(interleaving: Interleaving, runnable: readonly ActorId[], state: PolicyState): ActorId {
  if (runnable.length === 0) throw new Error('pickActor: nothing is runnable');
  let chosen: ActorId;
  switch (interleaving) {
    case 'guest-first':
      chosen = runnable.find(isGuestActor) ?? runnable[0]!;
      break;
    case 'device-first':
      chosen = runnable.find((a) => !isGuestActor(a)) ?? runnable[0]!;
      break;
    case 'alternate': {
      // Prefer the other side from the one that moved last; round-robin within a side.
      const lastGuest = state.last !== null && isGuestActor(state.last);
      const other = runnable.filter((a) => (state.last === null ? true : isGuestActor(a) !== lastGuest));
      const pool = other.length > 0 ? other : runnable;
      const prev = isGuestActor(pool[0]!) ? state.lastGuest : state.lastDevice;
      const after = prev === null ? -1 : pool.findIndex((a) => a > prev);
      chosen = pool[after >= 0 ? after : 0]!;
      break;
    }
    case 'random': {
      const prng = Prng.fromState(state.prng);
      chosen = runnable[prng.nextInt(0, runnable.length - 1)]!;
      state.prng = prng.state;
      break;
    }
  }
  state.last = chosen;
  if (isGuestActor(chosen)) state.lastGuest = chosen;
  else state.lastDevice = chosen;
  return chosen;
}
