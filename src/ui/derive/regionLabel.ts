import type { TFunction } from 'i18next';
import type { Region } from '../../virtio/allocationMap';

/** Which payload a request's data buffer is (read/write data, a GET_ID answer, a discard range): the label says. */
const DATA_PART = /^req \d+ (data|id|range)$/;

/**
 * A region's label in the page's language, built from its kind, queue and owner (the engine's label is English:
 * "vq0 descriptor table", "req 3 data"). Regions this cannot name keep the engine's label. `t` is the 'rings'
 * namespace's. Only the region's parts are read, so a step message's region (StepMessage.regions) is named alike.
 */
export function regionLabel(region: Pick<Region, 'kind' | 'queue' | 'owner' | 'label'>, t: TFunction<'rings'>): string {
  const { kind, queue, owner, label } = region;
  switch (kind) {
    case 'desc-table':
    case 'avail-ring':
    case 'used-ring':
    case 'indirect-table':
      if (queue === undefined) return label;
      return t('rings:regionLabel.queue', { queue, part: t(`rings:regionLabel.part.${kind}`) });
    case 'blk-header':
    case 'data-buffer':
    case 'status-byte': {
      if (owner === undefined) return label;
      const part = kind === 'blk-header' ? 'out_hdr' : kind === 'status-byte' ? 'status' : DATA_PART.exec(label)?.[1];
      if (part === undefined) return label;
      return t('rings:regionLabel.request', { owner, part: t(`rings:regionLabel.part.${part}`) });
    }
    case 'other':
      // The ring block's padding has no kind of its own: it is known by the label the ring's allocation gives it.
      if (queue !== undefined && label === `vq${queue} ring padding (used ring cache-line aligned)`)
        return t('rings:regionLabel.padding', { queue });
      return label;
  }
  return label;
}

/** regionLabel with a cache per region, for the hex dump's many cells: one per language (`t`). */
export function regionLabeller(t: TFunction<'rings'>): (region: Region) => string {
  const cache = new WeakMap<Region, string>();
  return (region) => {
    let label = cache.get(region);
    if (label === undefined) {
      label = regionLabel(region, t);
      cache.set(region, label);
    }
    return label;
  };
}
