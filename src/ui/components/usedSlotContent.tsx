import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { compileTemplate } from '../i18n/template';
import type { VringUsedElem } from '../../virtio/splitRing';

export interface UsedSlotContent {
  main: ReactNode;
  text: string;
}

/** A cache of what a used-ring slot shows, per element object, for one language. */
function usedSlotContentCache(t: (key: string, options?: Record<string, unknown>) => string) {
  const lenText = compileTemplate(t, 'used.len', ['len']);
  const elemText = compileTemplate(t, 'used.elemText', ['id', 'len']);
  const cache = new WeakMap<VringUsedElem, UsedSlotContent>();
  return (e: VringUsedElem): UsedSlotContent => {
    let c = cache.get(e);
    if (!c) {
      c = {
        main: (
          <>
            <span className="vr-used-id">{e.id}</span>
            <span className="vr-used-len">{lenText({ len: e.len })}</span>
          </>
        ),
        text: elemText({ id: e.id, len: e.len }),
      };
      cache.set(e, c);
    }
    return c;
  };
}

/**
 * What a used-ring slot shows for an element, cached per element object: the view keeps an element's object
 * while its bytes are unchanged, so a step translates and builds only the slots it wrote (not all 1024).
 */
export function useUsedSlotContent(): (e: VringUsedElem) => UsedSlotContent {
  const { t } = useTranslation('rings');
  return useMemo(() => usedSlotContentCache(t), [t]);
}
