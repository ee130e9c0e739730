import { useLayoutEffect, type RefObject } from 'react';

/**
 * Moves focus on to `fallback` when the focused control `ref` becomes disabled (Back at step 0, Step at the end):
 * a disabled button drops focus to <body>, and a keyboard user would have to find their place again.
 */
export function useKeepFocus(
  ref: RefObject<HTMLElement | null>,
  disabled: boolean,
  fallback: () => HTMLElement | null | undefined,
): void {
  useLayoutEffect(() => {
    // Runs before the browser's focus fix-up, so the disabled button still holds focus here.
    if (disabled && ref.current !== null && document.activeElement === ref.current) fallback()?.focus();
    // The fallback is read when needed; it is not a reason to run again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [disabled, ref]);
}
