import { u16Sub } from '../../virtio/types';
import type { ElementFile } from './extraJson';
import type { OutstandingChain, QueueElement, UnmatchedElement } from './types';

/**
 * Element answers saved as their own files, matched to the outstanding chains: by the avail position the name
 * gives, else by the head (`index`) when exactly one outstanding chain starts there. A match sets the chain's
 * `element` (and the element's position); an answer that matches nothing is returned with the reason, in words and
 * as data, never dropped.
 */
export function matchElementFiles(
  outstanding: OutstandingChain[],
  files: readonly ElementFile[],
  ring: { usedIdx: number; availIdx: number },
  /** Where each chain's element came from, for a duplicate's message (the status file's wrapper, or a file). */
  statusFile: string,
): { matched: QueueElement[]; unmatched: UnmatchedElement[] } {
  const matched: QueueElement[] = [];
  const unmatched: UnmatchedElement[] = [];
  const from = new Map<OutstandingChain, string>();
  for (const c of outstanding) if (c.element) from.set(c, statusFile);
  const { usedIdx: used, availIdx: avail } = ring;
  for (const { file, element } of files) {
    const pos = element.availPos;
    const base = { file, index: element.index, availPos: pos };
    const who =
      pos === null ? `${file} (head ${element.index})` : `${file} (head ${element.index}, avail position ${pos})`;
    let chain: OutstandingChain | undefined;
    if (pos !== null) {
      chain = outstanding.find((c) => c.availPos === pos);
      if (!chain) {
        unmatched.push({
          ...base,
          reason: 'notOutstanding',
          message: `${who} matches no outstanding chain: position ${pos} is not between used.idx ${used} and avail.idx ${avail} in the dump (${u16Sub(avail, used)} in flight)`,
          params: { pos, used, avail },
        });
        continue;
      }
    } else {
      const heads = outstanding.filter((c) => c.head === element.index);
      if (heads.length === 0) {
        unmatched.push({
          ...base,
          reason: 'noHead',
          message: `${who} matches no outstanding chain: none of the ${outstanding.length} between used.idx ${used} and avail.idx ${avail} starts at descriptor ${element.index}`,
          params: { head: element.index, count: outstanding.length, used, avail },
        });
        continue;
      }
      if (heads.length > 1) {
        const positions = heads.map((c) => c.availPos).join(', ');
        unmatched.push({
          ...base,
          reason: 'ambiguous',
          message: `${who} matches no single outstanding chain: head ${element.index} starts the chains at avail positions ${positions}; name the file by the position it asked about (e.g. element${heads[0]!.availPos}.json)`,
          params: { head: element.index, positions, first: heads[0]!.availPos },
        });
        continue;
      }
      chain = heads[0]!;
    }
    const had = from.get(chain);
    if (had !== undefined) {
      unmatched.push({
        ...base,
        reason: 'duplicate',
        message: `${who} matches no free outstanding chain: the chain at avail position ${chain.availPos} already has the element query from ${had}`,
        params: { pos: chain.availPos, other: had },
      });
      continue;
    }
    const placed: QueueElement = { ...element, availPos: chain.availPos };
    chain.element = placed;
    from.set(chain, file);
    matched.push(placed);
  }
  return { matched, unmatched };
}
