import type { TFunction } from 'i18next';
import type { OutstandingChain } from '../../../import/snapshot';

/** Popped or waiting; unknown for a vhost device, whose status gives no usable last_avail_idx. */
export function poppedText(c: OutstandingChain, t: TFunction<'snapshot'>): string {
  if (c.popped === null) return t('snapshot:outstanding.poppedUnknown');
  return c.popped ? t('snapshot:outstanding.popped') : t('snapshot:outstanding.waiting');
}
