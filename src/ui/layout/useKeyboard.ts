import { useEffect } from 'react';

export interface KeyboardCommands {
  step: () => void;
  back: () => void;
  togglePlay: () => void;
  help: () => void;
}

/**
 * A focused element whose content is wider than its box (a table or hex dump in a tabIndex=0 region): ← and →
 * scroll it, as keyboard users expect, instead of stepping.
 */
function scrollsSideways(el: HTMLElement): boolean {
  if (el.scrollWidth <= el.clientWidth) return false;
  const overflow = getComputedStyle(el).overflowX;
  return overflow === 'auto' || overflow === 'scroll';
}

/**
 * Keys that a focused control uses itself: typing in a field, moving a slider, pressing a button with Space,
 * scrolling a region sideways with the arrows.
 */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('dialog[open]')) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    // A checkbox only uses Space; every other input (radio buttons included) uses arrows and printable keys.
    return type === 'checkbox' ? key === ' ' : true;
  }
  if (key === ' ' && (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY')) return true;
  if ((key === 'ArrowLeft' || key === 'ArrowRight') && scrollsSideways(target)) return true;
  return false;
}

/** What a key does on the page, or null. Exported for tests. */
export function commandFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>) {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (ownsKey(e.target, e.key)) return null;
  switch (e.key) {
    case 'ArrowRight':
      return 'step';
    case 'ArrowLeft':
      return 'back';
    case ' ':
      return 'togglePlay';
    case '?':
      return 'help';
    default:
      return null;
  }
}

/** → step, ← back, Space play/pause, ? help; anywhere on the page except where the focused element needs the key. */
export function useKeyboard(commands: KeyboardCommands): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const command = commandFor(e);
      if (!command || (e.repeat && command === 'togglePlay')) return;
      e.preventDefault();
      commands[command]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [commands]);
}
