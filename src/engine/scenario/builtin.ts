import singleRead from './builtin/single-read.json';
import writeBatchEventIdx from './builtin/write-batch-event-idx.json';
import writeBatchFlags from './builtin/write-batch-flags.json';
import ringFull from './builtin/ring-full.json';
import indexWrap from './builtin/index-wrap.json';
import outOfOrder from './builtin/out-of-order.json';
import indirect from './builtin/indirect.json';
import twoQueuesOneIothread from './builtin/two-queues-one-iothread.json';
import twoQueuesTwoIothreads from './builtin/two-queues-two-iothreads.json';
import badGuestLoopedChain from './builtin/bad-guest-looped-chain.json';
import badGuestIndexJump from './builtin/bad-guest-index-jump.json';
import badGuestMissingBarrier from './builtin/bad-guest-missing-barrier.json';
import randomSoak from './builtin/random-soak.json';
import badGuestIndexNoWrap from './builtin/bad-guest-index-no-wrap.json';
import badGuestLeakedDescriptor from './builtin/bad-guest-leaked-descriptor.json';
import badGuestLostInterrupt from './builtin/bad-guest-lost-interrupt.json';
import badGuestWrongUsedLen from './builtin/bad-guest-wrong-used-len.json';
import lessonParavirt from './builtin/lesson-paravirt.json';
import lessonOneRead from './builtin/lesson-one-read.json';
import lessonEventIdxFlags from './builtin/lesson-event-idx-flags.json';
import lessonEventIdx from './builtin/lesson-event-idx.json';
import lessonMultiqueueShared from './builtin/lesson-multiqueue-shared.json';
import lessonMultiqueuePerQueue from './builtin/lesson-multiqueue-per-queue.json';
import lessonFreeList from './builtin/lesson-free-list.json';
import type { Scenario } from './schema';
import { formatProblems, validateScenario } from './validate';

const documents: unknown[] = [
  singleRead,
  writeBatchEventIdx,
  writeBatchFlags,
  ringFull,
  indexWrap,
  outOfOrder,
  indirect,
  twoQueuesOneIothread,
  twoQueuesTwoIothreads,
  badGuestLoopedChain,
  badGuestIndexJump,
  badGuestMissingBarrier,
  randomSoak,
  badGuestIndexNoWrap,
  badGuestLeakedDescriptor,
  badGuestLostInterrupt,
  badGuestWrongUsedLen,
  lessonParavirt,
  lessonOneRead,
  lessonEventIdxFlags,
  lessonEventIdx,
  lessonMultiqueueShared,
  lessonMultiqueuePerQueue,
  lessonFreeList,
];

/** The scenarios that ship with the tool, validated once at load (a broken one is a bug, so it throws). */
export const BUILTIN_SCENARIOS: readonly Scenario[] = documents.map((doc) => {
  const result = validateScenario(doc);
  if (!result.ok) throw new Error(`built-in scenario is invalid:\n${formatProblems(result.problems)}`);
  return result.scenario;
});

export function builtinScenario(name: string): Scenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
