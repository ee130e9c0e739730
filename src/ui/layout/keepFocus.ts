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

/**
 * useKeepFocus for a group of buttons (the Run to row): when the focused one is disabled by a render, focus goes to
 * `fallback`. `disabledKey` changes whenever any button's disabled state may have changed.
 */
export function useKeepFocusWithin(
  group: RefObject<HTMLElement | null>,
  disabledKey: string,
  fallback: () => HTMLElement | null | undefined,
): void {
  useLayoutEffect(() => {
    const focused = document.activeElement;
    if (group.current === null || !(focused instanceof HTMLButtonElement) || !group.current.contains(focused)) return;
    if (focused.disabled) fallback()?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [disabledKey, group]);
}
