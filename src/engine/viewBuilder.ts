import { DESC_SIZE } from '../virtio/constants';
import { AVAIL_RING, availRingBytes, descTableBytes, usedElemOffset, usedRingBytes } from '../virtio/layout';
import type { Machine } from './machine/machine';
import { describe, type MachineView, type QueueReuse } from './view';

/** One ring part's bytes as they were when the last view was decoded (a copy: the workers write the live ones). */
interface PartCopy {
  addr: number;
  bytes: Uint8Array;
  /** The same bytes as whole words (the copy is padded to a multiple of 4), for a fast comparison. */
  words: Int32Array;
}

interface RingCopy {
  size: number;
  desc: PartCopy;
  avail: PartCopy;
  used: PartCopy;
}

function copyPart(buffer: ArrayBufferLike, addr: number, len: number): PartCopy {
  const own = new ArrayBuffer(Math.ceil(len / 4) * 4);
  const bytes = new Uint8Array(own);
  bytes.set(new Uint8Array(buffer, addr, len));
  return { addr, bytes, words: new Int32Array(own) };
}

function sameWords(a: Int32Array, b: Int32Array, from: number, to: number): boolean {
  for (let w = from; w < to; w++) if (a[w] !== b[w]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What is unchanged between two copies of the same queue's ring, entry by entry. */
function compareRings(old: RingCopy, cur: RingCopy): Omit<QueueReuse, 'prev'> {
  const size = cur.size;
  const descWords = DESC_SIZE / 4;
  const descAll = sameWords(old.desc.words, cur.desc.words, 0, cur.desc.words.length);
  const usedAll = sameWords(old.used.words, cur.used.words, 0, cur.used.words.length);
  const ringStart = AVAIL_RING;
  const ringEnd = AVAIL_RING + (availRingBytes(size) - availRingBytes(0));
  return {
    descAll,
    descSame: descAll
      ? () => true
      : (i) => sameWords(old.desc.words, cur.desc.words, i * descWords, (i + 1) * descWords),
    availRingSame: sameBytes(old.avail.bytes, cur.avail.bytes, ringStart, ringEnd),
    usedAll,
    usedSame: usedAll
      ? () => true
      : (slot) => {
          const from = usedElemOffset(slot);
          const to = usedElemOffset(slot + 1);
          return sameBytes(old.used.bytes, cur.used.bytes, from, to);
        },
  };
}

/**
 * Builds MachineViews one after another, decoding again only the ring entries whose bytes changed since the last
 * view: it keeps a copy of each ring's descriptor table, avail ring and used ring as they were decoded, compares
 * the live bytes with it, and takes unchanged entries from the last view. Whatever moved memory (a step, a jump
 * back in time, a free-run), the comparison sees it, and private state (free list, chains) is read afresh every
 * time: the view equals describe(m) field for field, with unchanged descriptors and used elements, and unchanged
 * desc/avail/used arrays, keeping their objects.
 */
export class ViewBuilder {
  private copies: (RingCopy | null)[] = [];

  /** `prev`: the view this builder returned last (after any structural sharing), or null to decode afresh. */
  describe(m: Machine, prev: MachineView | null): MachineView {
    const buffer = m.mem.buffer;
    const copies = m.driver.vqs.map((vq): RingCopy | null => {
      const { size, desc, avail, used } = vq.ring.addrs;
      const parts: [number, number][] = [
        [desc, descTableBytes(size)],
        [avail, availRingBytes(size)],
        [used, usedRingBytes(size)],
      ];
      if (!parts.every(([addr, len]) => m.mem.contains(addr, len))) return null;
      const [d, a, u] = parts.map(([addr, len]) => copyPart(buffer, addr, len)) as [PartCopy, PartCopy, PartCopy];
      return { size, desc: d, avail: a, used: u };
    });
    const view = describe(m, (q) => {
      const old = this.copies[q];
      const cur = copies[q];
      const prevQueue = prev?.queues[q];
      if (!old || !cur || !prevQueue) return null;
      if (old.size !== cur.size || prevQueue.size !== cur.size) return null;
      if (old.desc.addr !== cur.desc.addr || old.avail.addr !== cur.avail.addr || old.used.addr !== cur.used.addr)
        return null;
      return { prev: prevQueue, ...compareRings(old, cur) };
    });
    this.copies = copies;
    return view;
  }
}
