import { useId } from 'react';

/** useId, made safe for SVG `url(#...)` references and CSS selectors. */
export const useSafeId = (): string => `vr${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
