import type { CopyRelation } from './derive/rings';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * The note beside a side's private copy of avail.idx or used.idx (avail_idx_shadow, QEMU's used_idx): how it
 * stands to the index published in memory (`idx`), including behind it, which an imported snapshot can show.
 */
export function copyNote(t: Translate, ring: 'avail' | 'used', relation: CopyRelation, idx: number): string {
  switch (relation.kind) {
    case 'equal':
      return t(`${ring}.inSync`);
    case 'ahead':
      return t(`${ring}.aheadNote`, { count: relation.count });
    case 'behind':
      return t(`${ring}.behindNote`, { count: relation.count, idx });
    case 'apart':
      return t(`${ring}.apartNote`, { idx });
  }
}
